// Discovery over mDNS/DNS-SD: a Reply service advertises itself under a name, a Request client
// connects to "mdns://greeter" and finds it, with its TXT metadata. The service then moves to
// another port: it is re-announced and the client follows. On close the service says goodbye
// and the client drops it at once.
//
//   Reply.bind("tcp://127.0.0.1:0") + advertise("greeter", { txt: { version: "2" } })
//         ^
//         | found by name (multicast DNS on the local link)
//   Request.connect("mdns://greeter")
//
// Run as root with `unshare` available, it re-runs itself inside a private network namespace
// so no multicast leaves the machine. Build first (npx tsc -p .), then:
//   node examples/discovery-mdns.js
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

if (shouldIsolate()) {
  console.log("running as root: re-running inside a private network namespace (unshare -n)")
  const setup = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
  const child = spawnSync("unshare", ["-n", "sh", "-c", `${setup} && exec "$0" "$1"`, process.execPath, fileURLToPath(import.meta.url)], {
    stdio: "inherit",
    env: { ...process.env, BROKERLESS_NETNS: "1" },
  })
  process.exit(child.status ?? 1)
}

const { Reply, Request } = await import("../dist/index.js")
const NAME = process.env.BROKERLESS_NETNS === "1" ? "greeter" : `greeter-${process.pid}`
const WAIT = 5000

const service = new Reply()
const first = "tcp://127.0.0.1:0"
await service.bind(first)
const firstEndpoint = service.lastEndpoint
service.advertise(NAME, { txt: { version: "2" } }) // extra TXT keys travel with the announcement
console.log(`service: bound ${firstEndpoint}, advertising "${NAME}"`)
const serving = (async () => {
  for await (const [name] of service) await service.send(`hello ${name}, from ${service.boundEndpoints().join(" ")}`)
})()

const client = new Request({ sendTimeout: WAIT, receiveTimeout: WAIT })
client.events.on("discovery:up", ({ detail }) =>
  console.log(`client: ${detail.reason === "new" ? "found" : "updated"} ${detail.socketType} ${detail.instance} at ${detail.endpoints.join(", ")} (version ${detail.metadata?.version}, zmtp ${detail.metadata?.zmtp})`))
client.events.on("discovery:down", ({ detail }) => console.log(`client: lost ${detail.instance} (${detail.reason})`))
client.connect(`mdns://${NAME}`)
await client.waitForPeers(1, { timeout: WAIT })

await client.send("alice")
const [firstReply] = await client.receive()
console.log(`client: ${firstReply}`)

// Move the service to a new port: every bind/unbind re-announces, the client follows.
const moved = waitFor(client, "discovery:up", (d) => d.endpoints.length === 1 && d.endpoints[0] !== firstEndpoint)
await service.bind("tcp://127.0.0.1:0")
await service.unbind(firstEndpoint)
await moved
await client.waitForPeers(1, { timeout: WAIT })
await client.send("bob")
const [secondReply] = await client.receive()
console.log(`client: ${secondReply}`)

// Close: the service's goodbye removes it from the client at once (no 2-minute TTL wait).
const gone = waitFor(client, "discovery:down", () => true)
service.close()
await gone
client.close()
await serving
console.log("done")

/** The next `type` event whose detail matches, or an error after WAIT ms. */
function waitFor(socket, type, match) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${type} within ${WAIT} ms`)), WAIT)
    const listener = ({ detail }) => {
      if (!match(detail)) return
      clearTimeout(timer)
      socket.events.off(type, listener)
      resolve(detail)
    }
    socket.events.on(type, listener)
  })
}

/** Root with a working `unshare -n`, and not already inside the namespace. */
function shouldIsolate() {
  if (process.env.BROKERLESS_NETNS !== undefined) return false
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false
  return spawnSync("unshare", ["-n", "true"], { stdio: "ignore", timeout: 5000 }).status === 0
}
