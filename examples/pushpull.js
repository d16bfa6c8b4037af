// Push/pull pipeline: a producer spreads tasks over two workers (round robin), and the workers
// send their results to a sink that fair-queues them. Local tcp only; exits by itself.
//
//   Push(producer) --tcp--> Pull(worker A) --Push--\
//                  \-tcp--> Pull(worker B) --Push---> Pull(sink)
//
// Build first (npx tsc -p .), then: node examples/pushpull.js
import { Pull, Push } from "../dist/index.js"

const TASKS = 8

const sink = new Pull({ receiveTimeout: 5000 })
await sink.bind("tcp://127.0.0.1:0")

const producer = new Push({ sendTimeout: 5000 })
await producer.bind("tcp://127.0.0.1:0")

const workers = ["A", "B"].map((name) => {
  const tasks = new Pull()
  const results = new Push()
  tasks.connect(producer.lastEndpoint)
  results.connect(sink.lastEndpoint)
  // Each worker squares its numbers until its socket is closed.
  const running = (async () => {
    for await (const [task] of tasks) {
      const n = Number(String(task))
      await results.send(`worker ${name}: ${n}^2 = ${n * n}`)
    }
  })()
  return { tasks, results, running }
})

// Wait for both workers before sending, or the first one to connect would get every task.
await producer.waitForPeers(2, { timeout: 5000 })
for (let n = 1; n <= TASKS; n++) await producer.send(String(n))

for (let i = 0; i < TASKS; i++) {
  const [result] = await sink.receive()
  console.log(String(result))
}

producer.close()
for (const { tasks, results } of workers) { tasks.close(); results.close() }
await Promise.all(workers.map((w) => w.running))
sink.close()
console.log("done")
