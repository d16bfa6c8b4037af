// The receiver half of reliable delivery: per sender id, which sequence numbers were queued for
// the application or handed to it, so a re-sent copy is dropped (and re-acked when the first one
// was already handed over: its ack may have been lost), plus the acks waiting to be sent. No I/O:
// reliable.ts routes the acks. Memory is bounded: a sender's floor (lowest seq it still holds)
// prunes everything below it, and caps below evict the oldest state.

/** What to do with a received copy. */
export type Verdict = "deliver" | "queued" | "reack" | "old"

/** Seqs remembered per sender beyond its floor before the oldest handed-over ones are forgotten. */
export const MAX_WINDOW = 1 << 17
/** Senders remembered before the least recently heard-from one is forgotten. */
export const MAX_SENDERS = 4096
/** Acks kept per sender while no connection to it is up. */
export const MAX_PENDING_ACKS = 1 << 16

const QUEUED = false
const HANDED_OVER = true

export class SenderWindow {
  /** Every seq below this was acked by the sender's own account (from its headers). */
  floor = 0
  /** seq -> handed over to the application (true) or still queued (false). */
  private readonly seen = new Map<number, boolean>()
  /** Handed over, not yet acked on the wire. */
  acks: number[] = []
  private sincePrune = 0

  constructor(readonly senderId: Buffer) {}

  get size(): number {
    return this.seen.size
  }

  received(seq: number, floor: number): Verdict {
    if (floor > this.floor) {
      this.floor = floor
      if (++this.sincePrune >= 256) this.prune()
    }
    if (seq < this.floor) return "old"
    const state = this.seen.get(seq)
    if (state === HANDED_OVER) {
      this.ack(seq)
      return "reack"
    }
    if (state === QUEUED) return "queued"
    this.seen.set(seq, QUEUED)
    if (this.seen.size > MAX_WINDOW) this.evict()
    return "deliver"
  }

  /** The application took the message: remember it as delivered and ack it. */
  consumed(seq: number): void {
    if (this.seen.has(seq)) this.seen.set(seq, HANDED_OVER)
    this.ack(seq)
  }

  /** Acks to send now (the list is handed over and reset). */
  takeAcks(): number[] {
    const acks = this.acks
    this.acks = []
    return acks
  }

  private ack(seq: number): void {
    this.acks.push(seq)
    if (this.acks.length > MAX_PENDING_ACKS) this.acks.splice(0, this.acks.length - MAX_PENDING_ACKS)
  }

  private prune(): void {
    this.sincePrune = 0
    for (const [seq, state] of this.seen) if (seq < this.floor && state === HANDED_OVER) this.seen.delete(seq)
  }

  private evict(): void {
    for (const [seq, state] of this.seen) {
      if (this.seen.size <= MAX_WINDOW) return
      if (state === HANDED_OVER) this.seen.delete(seq)
    }
  }
}

/** Windows by sender id. */
export class Dedup {
  private readonly windows = new Map<string, SenderWindow>()

  window(senderId: Buffer): SenderWindow {
    const key = senderId.toString("hex")
    let window = this.windows.get(key)
    if (window !== undefined) {
      this.windows.delete(key) // re-insert: the map stays in least-recently-connected order
    } else {
      window = new SenderWindow(Buffer.from(senderId))
      if (this.windows.size >= MAX_SENDERS) this.windows.delete(this.windows.keys().next().value!)
    }
    this.windows.set(key, window)
    return window
  }

  *withAcks(): Iterable<SenderWindow> {
    for (const window of this.windows.values()) if (window.acks.length > 0) yield window
  }
}
