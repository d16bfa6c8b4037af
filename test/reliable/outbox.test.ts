// Outbox, dedup windows and the wire encoding without sockets: fake pipes, a fake clock.
import t from "tap"
import { MemoryJournal } from "../../lib/reliable/journal.js"
import { Outbox, type OutboxPipe, type OutboxStrategy } from "../../lib/reliable/outbox.js"
import { Dedup, SenderWindow } from "../../lib/reliable/dedup.js"
import { decodeAcks, decodeHeader, encodeAcks, encodeHeader, toRanges } from "../../lib/reliable/wire.js"
import type { Message } from "../../lib/pipe/pipe.js"

class FakePipe implements OutboxPipe {
  queue: Message[] = []
  constructor(readonly name: string, public connected = true) {}
  write(message: Message): void { this.queue.push(message) }
  /** What the engine would put on the wire, header frames included. */
  drain(outbox: Outbox<FakePipe>, peer: "acks" | "plain" | "refuse" = "acks"): Message[] {
    const out: Message[] = []
    for (const message of this.queue.splice(0)) {
      const wire = outbox.outgoing(this, message, peer)
      if (wire) out.push(wire)
    }
    return out
  }
}

/** Round robin over `pipes`, preferring connected ones other than `avoid` (LoadBalancer.pickPreferring). */
function roundRobin(pipes: FakePipe[]): OutboxStrategy<FakePipe> {
  let next = 0
  return {
    pickPreferring(avoid) {
      const turn = pipes.map((_, i) => pipes[(next + i) % pipes.length]!)
      const chosen = turn.find((p) => p !== avoid && p.connected) ?? turn.find((p) => p !== avoid) ?? turn.find((p) => p === avoid)
      if (chosen !== undefined) next = pipes.indexOf(chosen) + 1
      return chosen
    },
  }
}

function setup(pipes: FakePipe[], settings = { ackTimeout: 100, retries: -1, bufferSize: 10 }) {
  let now = 0
  const outbox = new Outbox<FakePipe>(new MemoryJournal(), settings, roundRobin(pipes), () => now)
  return { outbox, advance: (ms: number) => outbox.expire((now += ms)) }
}

const seqOf = (wire: Message) => decodeHeader(wire[0])!.seq
const text = (wire: Message) => wire.slice(1).map(String).join("|")

t.test("wire: header, untracked header and ack ranges round trip", async (t) => {
  t.same(decodeHeader(encodeHeader(2 ** 40 + 7, 2 ** 33)), { seq: 2 ** 40 + 7, floor: 2 ** 33 })
  t.equal(decodeHeader(Buffer.from([0])), null, "untracked")
  t.equal(decodeHeader(Buffer.from("not a header")), undefined, "malformed")
  t.same(toRanges([5, 1, 2, 3, 9, 3, 10]), [[1, 3], [5, 5], [9, 10]])
  const id = Buffer.alloc(16, 7)
  const [data] = encodeAcks(id, [[1, 3], [9, 10]])
  t.same(decodeAcks(data!), { senderId: id, ranges: [[1, 3], [9, 10]] })
  t.equal(decodeAcks(Buffer.alloc(20)), undefined, "truncated range")
  t.equal(encodeAcks(id, Array.from({ length: 2500 }, (_, i) => [i * 2, i * 2] as [number, number])).length, 3, "split at 1024 ranges")
})

t.test("outbox: numbers messages, adds headers toward acking peers, forgets acked ones", async (t) => {
  const pipe = new FakePipe("a")
  const { outbox } = setup([pipe])
  for (const m of ["x", "y", "z"]) t.ok(outbox.send([Buffer.from(m)]))
  const wire = pipe.drain(outbox)
  t.same(wire.map(seqOf), [0, 1, 2])
  t.same(wire.map(text), ["x", "y", "z"])
  t.equal(outbox.ack([[0, 1]]), 2)
  t.equal(outbox.ack([[0, 1]]), 0, "a repeated ack is ignored")
  t.equal(outbox.size, 1)
  t.equal(outbox.floor, 2, "floor = lowest seq still held")
})

t.test("outbox: deadlines of acked messages do not pile up", async (t) => {
  const pipe = new FakePipe("a")
  const { outbox } = setup([pipe], { ackTimeout: 100_000, retries: -1, bufferSize: 0 })
  for (let i = 0; i < 5000; i++) {
    outbox.send([Buffer.from(String(i))])
    if (i % 10 === 9) outbox.ack([[i - 9, i - 1]]) // one of ten stays unacked
  }
  t.equal(outbox.size, 500)
  t.ok((outbox as unknown as { timers: { length: number } }).timers.length <= 4 * 500 + 10, "stale deadlines pruned")
  outbox.ack([[0, 5000]])
  t.notOk(outbox.timing, "all acked: no deadline left")
})

t.test("outbox: bounded by bufferSize; room comes back with acks", async (t) => {
  const pipe = new FakePipe("a")
  const { outbox } = setup([pipe], { ackTimeout: 100, retries: -1, bufferSize: 2 })
  t.ok(outbox.send([Buffer.from("1")]))
  t.ok(outbox.send([Buffer.from("2")]))
  t.ok(outbox.full)
  t.notOk(outbox.send([Buffer.from("3")]), "full: the caller parks")
  pipe.drain(outbox)
  outbox.ack([[0, 0]])
  t.ok(outbox.send([Buffer.from("3")]))
})

t.test("outbox: ack timeout re-offers to the next connected peer and skips the stale copy", async (t) => {
  const a = new FakePipe("a")
  const b = new FakePipe("b")
  const { outbox, advance } = setup([a, b])
  outbox.send([Buffer.from("m")]) // to a
  t.equal(a.queue.length, 1)
  advance(150)
  t.equal(b.queue.length, 1, "re-offered to b")
  t.same(a.drain(outbox), [], "a's queued copy is stale: skipped")
  t.same(b.drain(outbox).map(text), ["m"])
  t.equal(outbox.counters.resent, 1)
})

t.test("outbox: retries bounds the re-sends, then the message is given up", async (t) => {
  const a = new FakePipe("a")
  const { outbox, advance } = setup([a], { ackTimeout: 100, retries: 2, bufferSize: 10 })
  outbox.send([Buffer.from("m")])
  for (let i = 0; i < 3; i++) {
    a.drain(outbox)
    advance(150)
  }
  t.equal(outbox.counters.resent, 2)
  t.equal(outbox.counters.gaveUp, 1)
  t.equal(outbox.size, 0)
})

t.test("outbox: a lost connection re-offers what went on the wire; queued copies stay", async (t) => {
  const a = new FakePipe("a")
  const b = new FakePipe("b")
  const { outbox } = setup([a, b])
  outbox.send([Buffer.from("1")]) // a
  outbox.send([Buffer.from("2")]) // b
  outbox.send([Buffer.from("3")]) // a, stays queued
  outbox.outgoing(a, a.queue.shift()!, "acks") // the engine took "1" only
  outbox.send([Buffer.from("4")]) // b
  a.connected = false
  outbox.disconnected(a)
  t.same(b.drain(outbox).map(text), ["2", "4", "1"], "1 re-routed to the live peer")
  t.same(a.drain(outbox).map(text), ["3"], "3 waits for a's reconnect (or its ack timeout)")
  t.equal(outbox.size, 4)
})

t.test("outbox: a detached pipe's queued messages are re-offered; nothing is lost", async (t) => {
  const a = new FakePipe("a")
  const b = new FakePipe("b")
  const pipes = [a, b]
  const { outbox } = setup(pipes)
  for (let i = 0; i < 4; i++) outbox.send([Buffer.from(String(i))])
  pipes.splice(0, 1) // the strategy forgets a
  outbox.detached(a)
  const seqs = b.drain(outbox).map(seqOf).sort()
  t.same(seqs, [0, 1, 2, 3])
})

t.test("outbox: with no pipe a re-offer waits in the retry queue; new sends wait behind it", async (t) => {
  const a = new FakePipe("a")
  const pipes = [a]
  const { outbox } = setup(pipes)
  outbox.send([Buffer.from("1")])
  a.drain(outbox)
  pipes.length = 0
  outbox.detached(a)
  t.equal(outbox.retrying, 1)
  const b = new FakePipe("b")
  pipes.push(b)
  t.ok(outbox.send([Buffer.from("2")]), "flushes the retry first")
  t.same(b.drain(outbox).map(text), ["1", "2"])
})

t.test("outbox: plain peers get plain messages (fallback, forgotten); refused ones keep them", async (t) => {
  const a = new FakePipe("a")
  const { outbox } = setup([a])
  outbox.send([Buffer.from("m")])
  const [wire] = a.drain(outbox, "plain")
  t.same(wire!.map(String), ["m"], "no header frame")
  t.equal(outbox.size, 0)
  t.equal(outbox.counters.fallback, 1)
  outbox.send([Buffer.from("n")])
  t.same(a.drain(outbox, "refuse"), [], "not sent to a refused peer")
  t.equal(outbox.retrying, 1)
  t.equal(outbox.size, 1)
})

t.test("outbox: untracked messages (a probe) get the 1-octet header", async (t) => {
  const a = new FakePipe("a")
  const { outbox } = setup([a])
  a.write([Buffer.alloc(0)])
  const [wire] = a.drain(outbox)
  t.equal(decodeHeader(wire![0]), null)
})

t.test("outbox: recovered journal records are re-sent first, with their own seqs", async (t) => {
  const journal = new MemoryJournal()
  journal.append(5n, [Buffer.from("old")])
  const recovered = Object.assign(journal, { recovered: () => [{ seq: 5n, frames: [Buffer.from("old")] }] })
  const a = new FakePipe("a")
  const outbox = new Outbox<FakePipe>(recovered, { ackTimeout: 100, retries: -1, bufferSize: 10 }, roundRobin([a]))
  t.equal(outbox.size, 1)
  outbox.send([Buffer.from("new")])
  t.same(a.drain(outbox).map((w) => [seqOf(w), text(w)]), [[5, "old"], [6, "new"]])
})

t.test("dedup: delivers once, drops queued copies, re-acks handed-over ones", async (t) => {
  const window = new SenderWindow(Buffer.alloc(16))
  t.equal(window.received(1, 0), "deliver")
  t.equal(window.received(1, 0), "queued", "still in the inbound queue: its ack comes when it is read")
  window.consumed(1)
  t.same(window.takeAcks(), [1])
  t.equal(window.received(1, 0), "reack")
  t.same(window.takeAcks(), [1], "the first ack may have been lost")
  t.equal(window.received(0, 2), "old", "below the sender's floor")
})

t.test("dedup: the floor prunes memory; sparse seqs (round robin) are fine", async (t) => {
  const window = new SenderWindow(Buffer.alloc(16))
  for (let seq = 0; seq < 2000; seq += 2) {
    window.received(seq, Math.max(0, seq - 10))
    window.consumed(seq)
  }
  t.ok(window.size < 400, `window holds ${window.size} seqs`)
  t.equal(window.received(1, 1990), "old")
  t.equal(window.received(1997, 1990), "deliver", "a gap above the floor is new")
})

t.test("dedup: one window per sender id, kept across reconnects", async (t) => {
  const dedup = new Dedup()
  const a = dedup.window(Buffer.alloc(16, 1))
  t.equal(dedup.window(Buffer.alloc(16, 1)), a)
  t.not(dedup.window(Buffer.alloc(16, 2)), a)
  a.received(3, 0)
  a.consumed(3)
  t.same([...dedup.withAcks()], [a])
})
