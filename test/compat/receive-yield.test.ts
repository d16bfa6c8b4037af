// A receive loop over a full queue yields to the event loop (as sends do every 1024): a timer
// gets to run during 100k `await receive()` calls that are all served at once.
import t from "tap"
import { Pull, Push } from "../../lib/index.js"
import { uniqAddress } from "../helpers/address.js"

t.setTimeout(30_000)

t.test("100k receives from a full queue let a setInterval(0) run", async (t) => {
  const count = 100_000
  const pull = new Pull({ receiveHighWaterMark: 0 })
  const push = new Push({ sendHighWaterMark: 0, linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  const address = uniqAddress("inproc")
  await pull.bind(address)
  push.connect(address)
  await pull.waitForPeers(1, { timeout: 5000 })
  for (let i = 0; i < count; i++) await push.send("m")
  const first = await pull.receive()
  t.same(first.map(String), ["m"])
  let ticks = 0
  const timer = setInterval(() => { ticks++ }, 0)
  let received = 1
  const started = performance.now()
  while (received < count) { await pull.receive(); received++ }
  const elapsed = performance.now() - started
  clearInterval(timer)
  t.equal(received, count)
  // Without yielding, the loop runs in one macrotask and the timer never fires.
  t.ok(ticks >= 2, `the timer ran ${ticks} times during ${elapsed.toFixed(0)} ms of receives`)
})
