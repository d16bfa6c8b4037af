// High-water marks set on a live socket apply to its existing pipes (libzmq >= 4.2), not only
// to the next connect; a conflated pipe keeps its own rule (never full).
import t from "tap"
import { Pull, Push } from "../../lib/index.js"

t.setTimeout(20_000)

/** How many sends succeed at once (sendTimeout 0) before EAGAIN, up to `max`. */
async function room(push: Push, max = 50): Promise<number> {
  for (let i = 0; i < max; i++) {
    try { await push.send("x") } catch (error) {
      if ((error as { code?: string }).code === "EAGAIN") return i
      throw error
    }
  }
  return max
}

/** A tcp port nobody listens on: the connect-side pipe exists and nothing drains it. */
async function deadEndpoint(): Promise<string> {
  const pull = new Pull()
  await pull.bind("tcp://127.0.0.1:0")
  const endpoint = pull.lastEndpoint!
  pull.close()
  return endpoint
}

t.test("raising and lowering sendHighWaterMark after connect changes the queue's room", async (t) => {
  const push = new Push({ sendHighWaterMark: 2, sendTimeout: 0, linger: 0, reconnectInterval: 10_000 })
  t.teardown(() => push.close())
  push.connect(await deadEndpoint())
  t.equal(await room(push), 2, "the constructor's mark")
  push.sendHighWaterMark = 5
  t.equal(await room(push), 3, "three more fit once the mark is 5")
  push.sendHighWaterMark = 1
  t.equal(await room(push), 0, "lowered below what is queued: full")
  push.sendHighWaterMark = 0
  t.equal(await room(push, 20), 20, "0 is unlimited")
})

t.test("a conflated pipe ignores the high-water mark, set before or after connect", async (t) => {
  const push = new Push({ conflate: true, sendHighWaterMark: 1, sendTimeout: 0, linger: 0, reconnectInterval: 10_000 })
  t.teardown(() => push.close())
  push.connect(await deadEndpoint())
  t.equal(await room(push, 10), 10)
  push.sendHighWaterMark = 1
  t.equal(await room(push, 10), 10, "still keeps only the newest, never full")
})

t.test("raising receiveHighWaterMark lets a paused connection deliver more", async (t) => {
  const pull = new Pull({ receiveHighWaterMark: 4, linger: 0 })
  const push = new Push({ sendHighWaterMark: 4, linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind("tcp://127.0.0.1:0")
  push.connect(pull.lastEndpoint!)
  await pull.waitForPeers(1, { timeout: 5000 })
  // 25 MB, far more than both queues and the kernel buffers hold at these marks would stop sends...
  const sent = (async () => { for (let i = 0; i < 400; i++) await push.send(Buffer.alloc(65536)) })()
  pull.receiveHighWaterMark = 0 // ...so only a live, unlimited receive queue lets them all through unread
  push.sendHighWaterMark = 0
  await t.resolves(Promise.race([sent, new Promise((_, reject) => setTimeout(() => reject(new Error("sends stalled")), 8000).unref())]))
  let count = 0
  while (count < 400) { await pull.receive(); count++ }
  t.equal(count, 400)
})
