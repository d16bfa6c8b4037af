// Delivery guarantees (option `reliable`, docs/reliable.md): a producer spreads 20 jobs over two
// workers; worker B "crashes" (closes without reading what it was sent) and its unacknowledged jobs
// are re-sent to worker A, so every job is handled. Then request() (Lazy Pirate) gets an answer
// from a server that ignores the first attempt. Local tcp only; exits by itself.
//
//   Push(producer, reliable) --tcp--> Pull(worker A)
//                            \-tcp--> Pull(worker B, closed after 3 jobs)
//   Request.request() --tcp--> Router (drops the first attempt, answers the second)
//
// Build first (npx tsc -p .), then: node examples/reliable.js
import { Pull, Push, Request, Router } from "../dist/index.js"

const JOBS = 20

const workerA = new Pull()
const workerB = new Pull()
await workerA.bind("tcp://127.0.0.1:0")
await workerB.bind("tcp://127.0.0.1:0")

const producer = new Push({ reliable: { ackTimeout: 300 }, sendTimeout: 5000, linger: 0 })
producer.events.on("reliable:resend", (event) => console.log("producer: re-sent", event.detail))
producer.connect(workerA.lastEndpoint)
producer.connect(workerB.lastEndpoint)
await producer.waitForPeers(2, { timeout: 5000 })

for (let job = 0; job < JOBS; job++) await producer.send(`job ${job}`)

const handled = new Set() // duplicates are possible after a crash (see docs): count each job once
for (let i = 0; i < 3; i++) handled.add(String(await workerB.receive()))
workerB.close() // crash: the rest of B's jobs reached it but were never handed over, so never acked
const timer = setTimeout(() => { console.error("timed out"); process.exit(1) }, 10_000)
while (handled.size < JOBS) handled.add(String(await workerA.receive()))
while (producer.reliableStats.unacked > 0) await new Promise((resolve) => producer.events.once("reliable:ack", resolve))
clearTimeout(timer)
const { sent, acked, resent } = producer.reliableStats
console.log(`all ${handled.size} jobs handled; producer: sent ${sent}, acked ${acked}, re-sent ${resent}`)

// Lazy Pirate: the server drops the first attempt; request() re-sends after 300 ms.
const server = new Router()
await server.bind("tcp://127.0.0.1:0")
const client = new Request()
client.connect(server.lastEndpoint)
const serving = (async () => {
  await server.receive() // attempt 1: ignored
  const [id, requestId, delimiter, body] = await server.receive()
  await server.send([id, requestId, delimiter, `answer to ${body}`])
})()
const [reply] = await client.request("question", { timeout: 300, retries: 3 })
console.log("request():", String(reply))
await serving

for (const socket of [producer, workerA, client, server]) socket.close()
