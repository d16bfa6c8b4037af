// The sender half of reliable delivery: sequence numbers, the bounded retry buffer (a Journal: in
// memory, or on disk so it survives a crash), ack timeouts and re-offers. It hands messages to the
// socket's own strategy (pickPreferring()) and never loops over peers of its own, never touches
// bytes (the header is wire.ts) and never emits events (the glue in sender.ts reads its counters).
//
// Each write of a message to a pipe is a fresh array tagged with the entry and a generation; the
// engine asks outgoing() for the wire form, so a copy left in a queue after the message was re-offered
// elsewhere, or acked, is skipped instead of sent twice.
import type { Message } from "../pipe/pipe.js"
import { Queue } from "../util/queue.js"
import { now as currentNow } from "../util/timers.js"
import type { Journal } from "./journal.js"
import { encodeHeader, untrackedHeader } from "./wire.js"

/** What the outbox needs of a pipe (a Pipe satisfies it; unit tests use fakes). */
export interface OutboxPipe {
  readonly connected: boolean
  write(message: Message): void
}

/** The socket's outbound strategy, as the outbox uses it (a LoadBalancer satisfies it). */
export interface OutboxStrategy<P> {
  /**
   * The next connected pipe with room other than `avoid` by round robin; else any other pipe with
   * room (queued until it connects); else `avoid` itself; undefined when none has room.
   */
  pickPreferring(avoid: P | undefined): P | undefined
}

export interface OutboxSettings {
  /** ms without an ack before a message is offered again. */
  ackTimeout: number
  /** Re-offers after an ack timeout before the message is given up; -1: never give up. */
  retries: number
  /** Most unacked messages; 0: unlimited. */
  bufferSize: number
}

export interface OutboxCounters {
  sent: number
  acked: number
  resent: number
  gaveUp: number
  fallback: number
}

interface Entry<P> {
  readonly seq: number
  readonly frames: Message
  pipe: P | undefined
  generation: number
  /** The current copy was taken by an engine (it may be on the wire). */
  sent: boolean
  attempts: number
  done: boolean
}

interface Tag<P> { entry: Entry<P>; generation: number }
interface Timer<P> { entry: Entry<P>; generation: number; deadline: number }

export class Outbox<P extends OutboxPipe> {
  readonly counters: OutboxCounters = { sent: 0, acked: 0, resent: 0, gaveUp: 0, fallback: 0 }
  /** Resolves when everything appended so far is as durable as the journal's policy promises. */
  durable: Promise<void> = Promise.resolve()
  private readonly entries = new Map<number, Entry<P>>() // in seq order
  private readonly tags = new WeakMap<Message, Tag<P>>()
  private readonly timers = new Queue<Timer<P>>() // deadlines never decrease: one ackTimeout for all
  private readonly retry = new Queue<Entry<P>>() // re-offers that found no pipe
  private nextSeq: number

  constructor(
    readonly journal: Journal,
    private readonly settings: OutboxSettings,
    /** The socket's strategy: which pipe a message goes to, advancing its round robin. */
    private readonly strategy: OutboxStrategy<P>,
    private readonly now: () => number = currentNow,
  ) {
    this.nextSeq = Number(journal.nextSeq)
    for (const record of journal.recovered()) {
      const entry = this.newEntry(Number(record.seq), record.frames)
      this.retry.push(entry)
    }
  }

  get senderId(): Buffer { return this.journal.senderId }
  /** Unacked messages (including recovered ones not yet re-sent). */
  get size(): number { return this.entries.size }
  get full(): boolean { return this.settings.bufferSize > 0 && this.entries.size >= this.settings.bufferSize }
  get retrying(): number { return this.retry.length }
  get bufferSize(): number { return this.settings.bufferSize }
  /** Lowest seq still held: everything below it was acked (or given up). */
  get floor(): number {
    const first = this.entries.keys().next()
    return first.done === true ? this.nextSeq : first.value
  }

  /** Takes a new message; false (nothing kept) when the buffer is full or no pipe has room. */
  send(frames: Message): boolean {
    if (this.full) return false
    if (this.retry.length > 0 && (this.flushRetries(), this.retry.length > 0)) return false
    const pipe = this.strategy.pickPreferring(undefined)
    if (pipe === undefined) return false
    const seq = this.nextSeq
    this.durable = this.journal.appendDurable(BigInt(seq), frames)
    this.durable.catch(() => undefined) // send() reports it (reliable.ts settle); never unhandled
    this.counters.sent++
    this.writeTo(this.newEntry(seq, frames), pipe)
    return true
  }

  /**
   * The wire form of `message` taken from `pipe`'s queue, by what the pipe's current peer is:
   * "acks": with a header; "plain": as is, and forgotten (fallback); "refuse": not sent, kept for
   * another pipe. Undefined means skip it: a stale copy, or refused.
   */
  outgoing(pipe: P, message: Message, peer: "acks" | "plain" | "refuse"): Message | undefined {
    const tag = this.tags.get(message)
    if (tag === undefined) {
      if (peer === "refuse") return undefined
      return peer === "acks" ? [untrackedHeader(), ...message] : message
    }
    const entry = tag.entry
    if (entry.done || tag.generation !== entry.generation || entry.pipe !== pipe) return undefined
    if (peer === "refuse") {
      this.park(entry) // never re-offered from here: we are inside this pipe's flush
      return undefined
    }
    if (peer === "plain") {
      this.counters.fallback++
      this.remove(entry)
      return message
    }
    entry.sent = true
    return [encodeHeader(entry.seq, this.floor), ...message]
  }

  /** Forgets acked seqs (inclusive ranges); returns how many were held. */
  ack(ranges: ReadonlyArray<readonly [number, number]>): number {
    let count = 0
    for (const [first, last] of ranges) {
      if (last - first < this.entries.size) {
        for (let seq = first; seq <= last; seq++) count += this.ackOne(this.entries.get(seq))
      } else {
        for (const entry of [...this.entries.values()]) if (entry.seq >= first && entry.seq <= last) count += this.ackOne(entry)
      }
    }
    this.counters.acked += count
    this.pruneTimers()
    return count
  }

  /** The pipe's connection ended: what it may have put on the wire is offered again. */
  disconnected(pipe: P): void {
    for (const entry of this.entries.values()) if (entry.pipe === pipe && entry.sent) this.reoffer(entry, pipe)
  }

  /** The pipe is gone with its queue: everything assigned to it is offered again. */
  detached(pipe: P): void {
    for (const entry of this.entries.values()) if (entry.pipe === pipe) this.reoffer(entry, pipe)
  }

  /** Re-offers what found no pipe before; call when a pipe may have room. */
  flushRetries(): void {
    for (let entry = this.retry.peek(); entry !== undefined; entry = this.retry.peek()) {
      if (!entry.done && entry.pipe === undefined) {
        const pipe = this.strategy.pickPreferring(undefined)
        if (pipe === undefined) return
        this.writeTo(entry, pipe)
      }
      this.retry.shift()
    }
  }

  /** Ack timeouts up to `now`: re-offers, or gives up after `retries`. */
  expire(now: number): void {
    for (let timer = this.timers.peek(); timer !== undefined && timer.deadline <= now; timer = this.timers.peek()) {
      this.timers.shift()
      const entry = timer.entry
      if (entry.done || timer.generation !== entry.generation) continue
      entry.attempts++
      if (this.settings.retries >= 0 && entry.attempts > this.settings.retries) {
        this.counters.gaveUp++
        this.remove(entry)
      } else {
        this.reoffer(entry, entry.pipe)
      }
    }
  }

  /** Pending deadlines (the glue keeps the shared ticker only while there are some). */
  get timing(): boolean {
    return this.timers.length > 0
  }

  /** Deadlines of acked messages are dead weight until they pass; drop them once they dominate. */
  private pruneTimers(): void {
    if (this.entries.size === 0) return this.timers.clear()
    if (this.timers.length < 1024 || this.timers.length < 4 * this.entries.size) return
    const live: Timer<P>[] = []
    for (let timer = this.timers.shift(); timer !== undefined; timer = this.timers.shift()) {
      if (!timer.entry.done && timer.generation === timer.entry.generation) live.push(timer)
    }
    for (const timer of live) this.timers.push(timer)
  }

  private newEntry(seq: number, frames: Message): Entry<P> {
    const entry: Entry<P> = { seq, frames, pipe: undefined, generation: 0, sent: false, attempts: 0, done: false }
    this.entries.set(seq, entry)
    this.nextSeq = Math.max(this.nextSeq, seq + 1)
    return entry
  }

  private reoffer(entry: Entry<P>, avoid: P | undefined): void {
    this.counters.resent++
    const pipe = this.strategy.pickPreferring(avoid)
    if (pipe !== undefined) return this.writeTo(entry, pipe)
    this.park(entry)
  }

  /** Keeps the entry for flushRetries(). */
  private park(entry: Entry<P>): void {
    entry.generation++
    entry.pipe = undefined
    entry.sent = false
    this.retry.push(entry)
  }

  private writeTo(entry: Entry<P>, pipe: P): void {
    const generation = ++entry.generation
    const copy = entry.frames.slice()
    entry.pipe = pipe
    entry.sent = false
    this.tags.set(copy, { entry, generation })
    this.timers.push({ entry, generation, deadline: this.now() + this.settings.ackTimeout })
    pipe.write(copy)
  }

  private ackOne(entry: Entry<P> | undefined): number {
    if (entry === undefined || entry.done) return 0
    this.remove(entry)
    return 1
  }

  private remove(entry: Entry<P>): void {
    entry.done = true
    this.entries.delete(entry.seq)
    this.journal.ack(BigInt(entry.seq))
  }
}
