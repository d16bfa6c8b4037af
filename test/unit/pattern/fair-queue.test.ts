// FairQueue over fake pipes (no sockets): one message per peer in turn (libzmq
// test_pull_fair_queue_in), per-peer order, O(1) activation by swaps (libzmq fq_t), and a
// detached peer's delivered messages staying readable until read.
import t from "tap"
import { FairQueue } from "../../../lib/pattern/fair-queue.js"
import { fakePipe, msg, text, type FakePipe } from "../../helpers/fake-pipe.js"

function fill(pipe: FakePipe, ...texts: string[]): void {
  for (const one of texts) pipe.deliver(msg(one))
}

function drain(fq: FairQueue): string[] {
  const out: string[] = []
  for (let message = fq.receive(); message; message = fq.receive()) out.push(`${fq.lastPipe!.endpoint}${text(message)}`)
  return out
}

t.test("one message from each peer before any peer's second", async (t) => {
  const fq = new FairQueue()
  const pipes = ["a", "b", "c", "d", "e"].map((name) => fakePipe(name))
  for (const pipe of pipes) fq.attach(pipe)
  for (const pipe of pipes) {
    fill(pipe, "1", "2")
    fq.activated(pipe)
  }
  const out = drain(fq)
  t.same(out.slice(0, 5).sort(), ["a1", "b1", "c1", "d1", "e1"])
  t.same(out.slice(5).sort(), ["a2", "b2", "c2", "d2", "e2"])
})

t.test("each peer's messages in the order it sent them", async (t) => {
  const fq = new FairQueue()
  const a = fakePipe("a")
  const b = fakePipe("b")
  fq.attach(a)
  fq.attach(b)
  fill(a, "1", "2", "3")
  fq.activated(a)
  fill(b, "1")
  fq.activated(b)
  const out = drain(fq)
  t.same(out.filter((m) => m.startsWith("a")), ["a1", "a2", "a3"])
  t.same(out.length, 4)
})

t.test("nothing ready: undefined; an emptied pipe is skipped until activated again", async (t) => {
  const fq = new FairQueue()
  t.equal(fq.receive(), undefined)
  const a = fakePipe("a")
  fq.attach(a)
  t.notOk(fq.hasReady, "attached empty: inactive")
  fill(a, "1")
  fq.activated(a)
  fq.activated(a)
  t.ok(fq.hasReady)
  t.equal(text(fq.receive()), "1")
  t.notOk(fq.hasReady, "one entry, not two")
  t.equal(fq.receive(), undefined)
  fill(a, "2")
  fq.activated(a)
  t.equal(text(fq.receive()), "2")
})

t.test("a pipe attached with queued messages is active at once", async (t) => {
  const fq = new FairQueue()
  const a = fakePipe("a")
  fill(a, "early")
  fq.attach(a)
  t.equal(text(fq.receive()), "early")
})

t.test("a detached peer's messages stay readable; then it leaves for good", async (t) => {
  const fq = new FairQueue()
  const a = fakePipe("a")
  const b = fakePipe("b")
  fq.attach(a)
  fq.attach(b)
  fill(a, "1", "2")
  fq.activated(a)
  fq.detach(a)
  fq.detach(b) // empty: gone at once
  t.equal(b.inSlot, -1)
  t.same(drain(fq), ["a1", "a2"])
  t.equal(a.inSlot, -1, "left once read empty")
  fq.detach(fakePipe("z")) // unknown: ignored
})

t.test("re-entrant delivery while reading keeps the turn order sound", async (t) => {
  const fq = new FairQueue()
  const a = fakePipe("a")
  const b = fakePipe("b")
  fq.attach(a)
  fq.attach(b)
  fill(a, "1")
  fq.activated(a)
  t.equal(text(fq.receive()), "1")
  fill(b, "1")
  fq.activated(b)
  fill(a, "2")
  fq.activated(a)
  t.same(drain(fq).sort(), ["a2", "b1"])
})

t.test("20000 peers: activation and detach stay cheap (swaps, no scans)", async (t) => {
  const fq = new FairQueue()
  const pipes = Array.from({ length: 20000 }, (_, i) => fakePipe(`p${i}`))
  for (const pipe of pipes) fq.attach(pipe)
  for (const pipe of pipes) {
    fill(pipe, "x")
    fq.activated(pipe)
  }
  const from = new Set<unknown>()
  for (let message = fq.receive(); message; message = fq.receive()) from.add(fq.lastPipe!)
  t.equal(from.size, pipes.length, "one message from each")
  for (const pipe of pipes) fq.detach(pipe)
  t.notOk(fq.hasReady)
})
