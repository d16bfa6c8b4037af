// Datagram (libzmq draft DGRAM): raw UDP with [address, body] messages, against plain Node
// UDP sockets on the other side: echo by the address frame, connect-side replies, one endpoint
// per socket, udp:// only, malformed addresses refused at send().
import t from "tap"
import { createSocket, type Socket as NodeUdp } from "node:dgram"
import { Datagram } from "../../lib/socket/datagram.js"
import { within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"

function datagram(t: TestCase): Datagram {
  const s = new Datagram({ linger: 0 })
  t.teardown(() => s.close())
  return s
}

async function nodeUdp(t: TestCase): Promise<NodeUdp> {
  const s = createSocket("udp4")
  t.teardown(() => s.close())
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve))
  return s
}

const portOf = (endpoint: string) => Number(endpoint.split(":").pop())

t.test("a bound Datagram gets [sender address, body] and replies by echoing the address frame", async (t) => {
  const dgram = datagram(t)
  await dgram.bind("udp://127.0.0.1:0")
  const port = portOf(dgram.lastEndpoint!)
  t.ok(port > 0, `bound ${dgram.lastEndpoint}`)
  const client = await nodeUdp(t)
  const reply = new Promise<string>((resolve) => client.once("message", (m) => resolve(String(m))))
  client.send("ping", port, "127.0.0.1")
  const [address, body] = await within(dgram.receive(), 3000, "datagram")
  t.equal(String(address), `127.0.0.1:${client.address().port}`)
  t.equal(String(body), "ping")
  await dgram.send([address, `pong:${body}`])
  t.equal(await within(reply, 3000, "reply"), "pong:ping")
})

t.test("a connected Datagram sends from an ephemeral port and receives the replies", async (t) => {
  const server = await nodeUdp(t)
  server.on("message", (m, from) => server.send(`echo:${m}`, from.port, from.address))
  const dgram = datagram(t)
  dgram.connect(`udp://127.0.0.1:${server.address().port}`)
  await dgram.send([`127.0.0.1:${server.address().port}`, "hello"])
  const [from, body] = await within(dgram.receive(), 3000, "echo")
  t.equal(String(from), `127.0.0.1:${server.address().port}`)
  t.equal(String(body), "echo:hello")
})

t.test("udp:// only, one endpoint, [address, body] with a host:port address", async (t) => {
  const dgram = datagram(t)
  await t.rejects(dgram.bind("tcp://127.0.0.1:0"), { code: "ENOCOMPATPROTO" })
  t.throws(() => dgram.connect("ipc:///tmp/x"), { code: "ENOCOMPATPROTO" })
  await dgram.bind("udp://127.0.0.1:0")
  await t.rejects(dgram.bind("udp://127.0.0.1:0"), { code: "EINVAL" }, "a second endpoint is refused")
  await t.rejects(dgram.send(["not an address", "x"]), { code: "EINVAL" })
  await t.rejects(dgram.send(["127.0.0.1:99999", "x"]), { code: "EINVAL" })
  await t.rejects(dgram.send(["127.0.0.1:9"] as never), { code: "EINVAL" })
})
