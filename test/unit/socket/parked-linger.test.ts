// Parked calls and lingering on a fake clock: a parked call's timeout rejects with EAGAIN at
// exactly its deadline and keeps the process alive meanwhile; linger ends the socket at its
// deadline or when the queues drain, and linger -1 only warns.
import t from "tap"
import { Parked } from "../../../lib/socket/parked.js"
import { Linger } from "../../../lib/socket/linger.js"
import type { Pipe } from "../../../lib/pipe/pipe.js"
import { FakeClock } from "../../helpers/fake-clock.js"
import { fakePipe, msg, takeAll } from "../../helpers/fake-pipe.js"

t.test("a parked call times out with EAGAIN exactly at its timeout", async (t) => {
  const clock = new FakeClock()
  t.teardown(clock.install())
  let settled = 0
  const parked = new Parked<string>(() => settled++)
  const call = parked.park(undefined, 50, "send")
  t.equal(clock.holding, 1, "a timed wait holds the process")
  let outcome: unknown
  call.then((v) => (outcome = v), (e: unknown) => (outcome = e))
  clock.advance(49)
  await Promise.resolve()
  t.equal(outcome, undefined, "still waiting 1 ms before")
  clock.advance(1)
  await t.rejects(call, { code: "EAGAIN", detail: /send timed out after 50 ms/ })
  t.equal(settled, 1)
  t.notOk(parked.waiting)
})

t.test("resolving a parked call cancels its timer; timeout -1 never fires", async (t) => {
  const clock = new FakeClock()
  t.teardown(clock.install())
  const parked = new Parked<string>(() => undefined)
  const call = parked.park(undefined, 50, "receive")
  parked.resolve("value")
  t.equal(await call, "value")
  t.equal(clock.pending, 0)
  const forever = parked.park(undefined, -1, "receive")
  t.equal(clock.pending, 0, "no timer for an endless wait")
  clock.advance(1e9)
  t.ok(parked.waiting)
  parked.resolve("late")
  t.equal(await forever, "late")
})

function host(pipes: Pipe[]) {
  const log: string[] = []
  return { log, host: { type: "PUSH", pipes: new Set(pipes), terminate: () => log.push("terminate") } }
}

t.test("linger: ends at the deadline while messages are still queued", async (t) => {
  const clock = new FakeClock()
  t.teardown(clock.install())
  const pipe = fakePipe("p")
  pipe.write(msg("queued"))
  const { log, host: h } = host([pipe])
  const linger = new Linger(h)
  t.ok(linger.start(100))
  clock.advance(99)
  t.same(log, [])
  clock.advance(1)
  t.same(log, ["terminate"])
})

t.test("linger: ends as soon as the queues drain; nothing queued means no linger", async (t) => {
  const clock = new FakeClock()
  t.teardown(clock.install())
  const pipe = fakePipe("p")
  const { log, host: h } = host([pipe])
  const linger = new Linger(h)
  t.notOk(linger.start(100), "nothing queued")
  pipe.write(msg("queued"))
  t.notOk(linger.start(0), "linger 0")
  t.ok(linger.start(100))
  linger.check()
  t.same(log, [])
  takeAll(pipe)
  linger.check()
  t.same(log, ["terminate"])
  linger.stop()
  t.equal(clock.pending, 0)
})

t.test("linger -1 waits without a deadline and warns once after 5 s", async (t) => {
  const clock = new FakeClock()
  t.teardown(clock.install())
  const pipe = fakePipe("p")
  pipe.write(msg("queued"))
  const { log, host: h } = host([pipe])
  const linger = new Linger(h)
  const warnings: string[] = []
  const onWarning = (w: Error & { code?: string }) => warnings.push(String(w.code))
  process.on("warning", onWarning)
  t.teardown(() => process.off("warning", onWarning))
  t.ok(linger.start(-1))
  t.equal(clock.holding, 0, "the warning timer never holds the process")
  clock.advance(5000)
  await new Promise((resolve) => setImmediate(resolve)) // emitWarning is delivered on next tick
  t.same(warnings, ["BROKERLESS_LINGER"])
  t.same(log, [], "still waiting")
  linger.stop()
})
