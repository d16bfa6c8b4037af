// Sends that complete at once resolve with an already-settled promise, so `await send()` in a
// loop never leaves the microtask queue. Every YIELD_EVERY such sends in one turn, the promise
// settles in setImmediate instead: the loop then lets I/O, timers and the batched flush run
// (a publisher never waits for room, so without this it would only drop once its queues fill).

const YIELD_EVERY = 256
const RESOLVED: Promise<void> = Promise.resolve()
let burst = 0

/** The promise for a send that was queued (or dropped by design) at once. */
export function immediateSend(): Promise<void> {
  if (++burst < YIELD_EVERY) {
    if (burst === 1) setImmediate(endBurst)
    return RESOLVED
  }
  burst = 0
  sendYielding = true
  return new Promise((resolve) => setImmediate(endYield, resolve))
}

// True from a send loop's yield until it resumes: the loop is known to go on sending, so a
// flush in between may wait for more (util/flush-scheduler.ts) and write one larger batch.
let sendYielding = false

/** A send loop yielded in this turn and resumes in the check phase now running. */
export function sendLoopYielding(): boolean {
  return sendYielding
}

function endYield(resolve: () => void): void {
  sendYielding = false
  resolve()
}

function endBurst(): void {
  burst = 0
}

// Receives from a full queue likewise: every YIELD_EVERY receives served at once in one turn,
// the next one settles in setImmediate, so a `for (;;) await receive()` loop lets timers and
// I/O run (zeromq.js's loops show gaps of a few ms) at the cost of one macrotask per 256.
let receiveBurst = 0

/** The promise for a receive served from the queue at once. */
export function immediateReceive<T>(value: T): Promise<T> {
  if (++receiveBurst < YIELD_EVERY) {
    if (receiveBurst === 1) setImmediate(endReceiveBurst)
    return Promise.resolve(value)
  }
  receiveBurst = 0
  return new Promise((resolve) => setImmediate(resolve, value))
}

function endReceiveBurst(): void {
  receiveBurst = 0
}
