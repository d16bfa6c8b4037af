// `npm start`: zero-configuration discovery. Peers on this machine find each other by NAME over
// mDNS/DNS-SD; no address or port is configured anywhere:
//
//   worker1 (PULL) --advertise("jobs")--\                       /-- "time" service (REP)
//   worker2 (PULL) --advertise("jobs")---> mDNS <--mdns://jobs  |   advertise("time")
//                                          producer (PUSH)      \-- client (REQ) mdns://time
//
// The producer load-balances jobs over the workers it found; one worker then leaves (its goodbye
// packet removes it at once) and the rest of the jobs go to the other one. A client asks the
// "time" service found by name. Everything is closed at the end and the process exits by itself.
//
// Multicast etiquette: run as root on a machine with `unshare`, the demo re-runs itself in a
// private network namespace (loopback only), so its mDNS packets never reach a real network.
// As a normal user on a laptop it runs on the host network, which is what mDNS is for.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const SETUP = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"

if (shouldIsolate()) {
  console.log("demo: running as root, so re-running inside a private network namespace (unshare -n): no multicast leaves this machine")
  const script = fileURLToPath(import.meta.url)
  const child = spawnSync("unshare", ["-n", "sh", "-c", `${SETUP} && exec "$0" "$1"`, process.execPath, script], {
    stdio: "inherit",
    env: { ...process.env, BROKERLESS_NETNS: "1" },
  })
  process.exit(child.status ?? 1)
}

const { Push, Pull, Request, Reply } = await import("../dist/index.js").catch((error) => {
  console.error(`demo: cannot load ../dist/index.js (${error.message}); run "npm run build" first`)
  process.exit(1)
})

// Isolated: the names are ours alone. On a shared network, make them unique to this run so two
// people running the demo side by side do not exchange jobs.
const isolated = process.env.BROKERLESS_NETNS === "1"
const JOBS = isolated ? "jobs" : `jobs-${process.pid}`
const TIME = isolated ? "time" : `time-${process.pid}`
const LOCAL = "tcp://127.0.0.1:0" // any free port: discovery tells the peers which one
const WAIT = 5000

// Whatever happens, never hang: a demo that does not exit is a broken demo.
const watchdog = setTimeout(() => {
  console.error("demo: did not finish within 10 s")
  process.exit(1)
}, 10_000)
watchdog.unref()

const log = (who, text) => console.log(`${`[${who}]`.padEnd(11)} ${text}`)
const sockets = []
const open = (socket) => (sockets.push(socket), socket)

try {
  // ---- workers: bind anywhere, advertise under "jobs" -----------------------------------------
  const done = { worker1: [], worker2: [] }
  let received = 0
  let onJob = () => {}
  const workers = {}
  for (const id of ["worker1", "worker2"]) {
    const worker = open(new Pull())
    await worker.bind(LOCAL)
    worker.advertise(JOBS, { id }) // the id makes it recognisable in the producer's events
    log(id, `PULL bound ${worker.lastEndpoint}, advertising "${JOBS}"`)
    workers[id] = worker
    void (async () => {
      for await (const [job] of worker) {
        done[id].push(String(job))
        log(id, `got ${job}`)
        received++
        onJob()
      }
    })()
  }
  const jobsReceived = (count) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received} of ${count} jobs arrived`)), WAIT)
    onJob = () => { if (received >= count) { clearTimeout(timer); resolve() } }
    onJob()
  })

  // ---- producer: connect by name, load-balance over whatever is found -------------------------
  const producer = open(new Push({ sendTimeout: WAIT }))
  producer.events.on("discovery:up", ({ detail }) =>
    log("producer", `found ${detail.socketType} ${detail.instance} at ${detail.endpoints.join(", ")}`))
  producer.events.on("discovery:down", ({ detail }) =>
    log("producer", `lost ${detail.instance} (${detail.reason})`))
  producer.events.on("discovery:ignored", ({ detail }) =>
    log("producer", `ignored ${detail.instance}: ${detail.reason}`))
  log("producer", `PUSH connecting to mdns://${JOBS}`)
  producer.connect(`mdns://${JOBS}`)
  await producer.waitForPeers(2, { timeout: WAIT })
  log("producer", "connected to both workers; sending 6 jobs")
  for (let n = 1; n <= 6; n++) await producer.send(`job ${n}`)
  await jobsReceived(6)

  // ---- a worker leaves: its goodbye takes it out of rotation at once --------------------------
  const gone = new Promise((resolve) => producer.events.once("discovery:down", resolve))
  log("worker1", "closing (sends an mDNS goodbye)")
  workers.worker1.close()
  await gone
  log("producer", "sending 2 more jobs")
  for (let n = 7; n <= 8; n++) await producer.send(`job ${n}`)
  await jobsReceived(8)

  // ---- request/reply: a "time" service found by name ------------------------------------------
  const service = open(new Reply())
  await service.bind(LOCAL)
  service.advertise(TIME)
  log("time", `REP bound ${service.lastEndpoint}, advertising "${TIME}"`)
  void (async () => {
    for await (const [question] of service) {
      log("time", `asked "${question}"`)
      await service.send(new Date().toISOString())
    }
  })()
  const client = open(new Request({ sendTimeout: WAIT, receiveTimeout: WAIT }))
  log("client", `REQ connecting to mdns://${TIME}`)
  client.connect(`mdns://${TIME}`)
  await client.waitForPeers(1, { timeout: WAIT })
  for (const question of ["what time is it?", "and now?"]) {
    await client.send(question)
    const [answer] = await client.receive()
    log("client", `"${question}" -> ${answer}`)
  }

  console.log(`\nsummary: worker1 did ${done.worker1.join(", ")}; worker2 did ${done.worker2.join(", ")}`)
} catch (error) {
  console.error(`demo failed: ${error.message}`)
  process.exitCode = 1
} finally {
  // Closing withdraws every advertisement (goodbye) and stops every browse; with nothing left
  // open the process ends on its own, no process.exit() needed.
  for (const socket of sockets) socket.close()
  console.log("closed every socket; exiting")
}

/** Root with a working `unshare -n`, and not already inside the namespace. */
function shouldIsolate() {
  if (process.env.BROKERLESS_NETNS !== undefined) return false
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false
  const probe = spawnSync("unshare", ["-n", "true"], { stdio: "ignore", timeout: 5000 })
  return probe.status === 0
}
