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

  constructor(private readonly target: Flushable) {}

  request(): void {
    if (this.pending) return
    this.pending = true
    scheduleFlush(this)
  }

  flush(): void {
    this.pending = false
    this.target.flush()
  }

  /**
   * The target decides, and bounds its own waiting: a stream writer waits only while its queue
   * keeps growing (the yielding loop is feeding it), so output another socket's endless loop
   * does not feed is written at the next pass.
   */
  mayWait(): boolean {
    return this.target.mayWait?.() === true
  }
}

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
