// Coalesces output: engines ask for a flush and all of them are flushed once, in a setImmediate
// after the current burst of sends. Under `await send()` in a loop this gives one write per
// high-water-mark batch and a turn of the event loop between batches, so long bursts still let
// timers and I/O run. A flush is never run from inside send() itself.

import { sendLoopYielding } from "./burst.js"

export interface Flushable {
  flush(): void
  /**
   * May this flush wait a turn because a send loop is about to add more (small messages queued,
   * well below a batch)? One write per turn of a `for (;;) await send()` loop costs a syscall
   * and a loopback delivery per 256 messages; waiting makes it one per ~1000.
   */
  mayWait?(): boolean
}

/**
 * At most one scheduled flush per target: request() is cheap to call for every message. A
 * direct target.flush() in between is fine; the scheduled one then finds little or nothing.
 */
export class FlushRequest implements Flushable {
  private pending = false
  /** Turns this flush has waited for a send loop since it was requested. */
  private waits = 0

  constructor(private readonly target: Flushable) {}

  request(): void {
    if (this.pending) return
    this.pending = true
    scheduleFlush(this)
  }

  flush(): void {
    this.pending = false
    this.waits = 0
    this.target.flush()
  }

  /**
   * Waits at most MAX_WAITS turns. The send loop that yielded may belong to another socket of
   * the process, one that sends forever: without a bound, this connection's output (a reply, a
   * request) would wait as long as that loop runs.
   */
  mayWait(): boolean {
    if (this.waits >= MAX_WAITS || this.target.mayWait?.() !== true) return false
    this.waits++
    return true
  }
}

/** ~1000 messages of a loop that yields every 256 sends; at most ~3 turns of delay for others. */
const MAX_WAITS = 3

// Two lists used in turn, so a flush round allocates no array.
let pending: Flushable[] = []
let running: Flushable[] = []
let scheduled = false

export function scheduleFlush(target: Flushable): void {
  pending.push(target)
  if (!scheduled) {
    scheduled = true
    setImmediate(runFlushes)
  }
}

function runFlushes(): void {
  scheduled = false
  const batch = pending
  pending = running
  running = batch
  const yielding = sendLoopYielding()
  for (const target of batch) {
    if (yielding && target.mayWait?.() === true) scheduleFlush(target)
    else target.flush()
  }
  batch.length = 0
}
