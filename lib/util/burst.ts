// Sends that complete at once resolve with an already-settled promise, so `await send()` in a
// loop never leaves the microtask queue. Every YIELD_EVERY such sends in one turn, the promise
// settles in setImmediate instead: the loop then lets I/O, timers and the batched flush run
// (a publisher never waits for room, so without this it would only drop once its queues fill).

const YIELD_EVERY = 1024
const RESOLVED: Promise<void> = Promise.resolve()
let burst = 0

/** The promise for a send that was queued (or dropped by design) at once. */
export function immediateSend(): Promise<void> {
  if (++burst < YIELD_EVERY) {
    if (burst === 1) setImmediate(endBurst)
    return RESOLVED
  }
  burst = 0
  return new Promise((resolve) => setImmediate(resolve))
}

function endBurst(): void {
  burst = 0
}
