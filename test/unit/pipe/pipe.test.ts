// Pipe mailboxes at their edges (no sockets): exactly at the high-water mark, the low-water mark
// hysteresis of libzmq pipe_t::compute_lwm in both directions, HWM 0 as unlimited, and what the
// pipe asks of its engine and tells its owner.
import t from "tap"
import { lowWaterMark } from "../../../lib/pipe/pipe.js"
import { fakePipe, msg, RecordingOwner, takeAll } from "../../helpers/fake-pipe.js"

t.test("lowWaterMark is (hwm + 1) / 2 rounded down, 0 for unlimited", async (t) => {
  t.same([0, 1, 2, 3, 4, 1000, 1001].map(lowWaterMark), [0, 1, 1, 2, 2, 500, 501])
})

t.test("outbound: unwritable exactly at hwm; writable (and the owner told once) at lwm", async (t) => {
  const owner = new RecordingOwner()
  const pipe = fakePipe("p", 4, 0, owner)
  for (let i = 0; i < 3; i++) pipe.write(msg(String(i)))
  t.ok(pipe.writable, "hwm - 1 queued: still writable")
  pipe.write(msg("3"))
  t.notOk(pipe.writable, "hwm queued: full")
  t.same(takeAll(pipe, 1).length, 1)
  t.notOk(pipe.writable, "3 > lwm 2: still full")
  t.same(owner.calls, [])
  takeAll(pipe, 1)
  t.ok(pipe.writable, "lwm reached")
  t.same(owner.calls, ["writable p"])
  takeAll(pipe)
  t.same(owner.calls, ["writable p"], "told once per crossing")
  t.ok(pipe.fake.flushRequests >= 4, "every write asks the engine to flush")
})

t.test("send hwm 0: never full", async (t) => {
  const pipe = fakePipe("p", 0)
  for (let i = 0; i < 10000; i++) pipe.write(msg("x"))
  t.ok(pipe.writable)
})

t.test("inbound: deliver says stop exactly at hwm; reading down to lwm resumes the engine", async (t) => {
  const owner = new RecordingOwner()
  const pipe = fakePipe("p", 0, 3, owner)
  t.equal(pipe.deliver(msg("1")), true)
  t.same(owner.calls, ["readable p"], "told on the empty -> non-empty edge only")
  t.equal(pipe.deliver(msg("2")), true)
  t.equal(pipe.deliver(msg("3")), false, "hwm reached: stop reading")
  t.same(owner.calls, ["readable p"])
  pipe.read()
  t.equal(pipe.fake.resumes, 1, "2 queued = lwm 2 of hwm 3: resume")
})

t.test("inbound: resume only when the queue is down to lwm", async (t) => {
  const pipe = fakePipe("p", 0, 4)
  for (let i = 0; i < 4; i++) pipe.deliver(msg(String(i)))
  pipe.read()
  t.equal(pipe.fake.resumes, 0, "3 queued > lwm 2")
  pipe.read()
  t.equal(pipe.fake.resumes, 1, "2 queued = lwm: resume")
  pipe.read()
  t.equal(pipe.fake.resumes, 1, "once per pause")
})

t.test("a terminated pipe drops its outbound queue, closes its engine and tells no one", async (t) => {
  const owner = new RecordingOwner()
  const pipe = fakePipe("p", 1, 0, owner)
  pipe.write(msg("1"))
  pipe.terminate()
  t.ok(pipe.fake.closed)
  t.equal(pipe.outbound.length, 0)
  t.notOk(pipe.connected)
  t.same(owner.calls, [])
})

t.test("queued messages survive a reconnect; the new engine is asked to flush", async (t) => {
  const pipe = fakePipe("p")
  const first = pipe.fake
  pipe.detach(first)
  pipe.write(msg("kept"))
  const second = new (first.constructor as new () => typeof first)()
  pipe.attach(second, pipe.peer!)
  t.equal(second.flushRequests, 1)
  t.same(takeAll(pipe).map(String), ["kept"])
})
