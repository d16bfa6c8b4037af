// Distributor over fake pipes (no sockets): fan-out by reference, drops at the high-water mark,
// noDrop's all-or-nothing, and targets that are not attached or terminated.
import t from "tap"
import { Distributor } from "../../../lib/pattern/distributor.js"
import { fakePipe, msg, takeAll, text } from "../../helpers/fake-pipe.js"

t.test("every attached target gets the same frame Buffers in its own array", async (t) => {
  const dist = new Distributor()
  const pipes = ["a", "b", "c"].map((name) => fakePipe(name))
  for (const pipe of pipes) dist.attach(pipe)
  const message = [Buffer.from("topic"), Buffer.from("body")]
  t.ok(dist.send(message, pipes))
  const got = pipes.map((pipe) => takeAll(pipe)[0]!)
  t.equal(got[0], message, "the first target gets the caller's array")
  t.not(got[1], message)
  t.equal(got[1]![1], message[1], "frames are shared, not copied")
  t.equal(got[2]![0], message[0])
})

t.test("a full target is skipped (its message dropped), the others still get it", async (t) => {
  const dist = new Distributor()
  const full = fakePipe("full", 1)
  const open = fakePipe("open")
  dist.attach(full)
  dist.attach(open)
  dist.send(msg("1"), [full, open])
  t.equal(full.writable, false)
  t.ok(dist.send(msg("2"), [full, open]))
  t.same(takeAll(full).map(text), ["1"])
  t.same(takeAll(open).map(text), ["1", "2"])
})

t.test("noDrop: nothing is written while any target is full", async (t) => {
  const dist = new Distributor()
  const full = fakePipe("full", 1)
  const open = fakePipe("open")
  dist.attach(full)
  dist.attach(open)
  dist.send(msg("1"), [full, open], true)
  t.notOk(dist.send(msg("2"), [full, open], true))
  t.equal(open.outbound.length, 1, "open did not get 2 either")
  takeAll(full)
  t.ok(dist.send(msg("2"), [full, open], true))
  t.same(takeAll(open).map(text), ["1", "2"])
})

t.test("targets not attached, detached or terminated are skipped, even with noDrop", async (t) => {
  const dist = new Distributor()
  const a = fakePipe("a")
  const stranger = fakePipe("stranger", 1)
  const gone = fakePipe("gone", 1)
  dist.attach(a)
  dist.attach(gone)
  gone.write(msg("0"))
  gone.terminate()
  stranger.write(msg("0"))
  t.ok(dist.send(msg("1"), [stranger, gone, a], true), "a full stranger or a terminated pipe does not block")
  t.equal(stranger.outbound.length, 1)
  t.same(takeAll(a).map(text), ["1"])
  dist.detach(a)
  t.notOk(dist.has(a))
  dist.send(msg("2"), [a])
  t.equal(a.outbound.length, 0)
})

t.test("connected() lists only attached pipes with a live connection", async (t) => {
  const dist = new Distributor()
  const up = fakePipe("up")
  const down = fakePipe("down")
  down.detach(down.fake)
  dist.attach(up)
  dist.attach(down)
  t.same([...dist.connected()], [up])
})
