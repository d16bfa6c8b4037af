// One coarse, shared, unref'd interval for every reliable socket of the process (ack timeouts,
// throttled events), instead of a timer per message (undici lib/util/timers.js). It runs only while
// someone is subscribed and never holds the process open.

export const TICK_MS = 50

export interface Tickable {
  tick(now: number): void
}

const subscribers = new Set<Tickable>()
let interval: NodeJS.Timeout | undefined

export function subscribe(target: Tickable): void {
  subscribers.add(target)
  interval ??= setInterval(runTick, TICK_MS).unref()
}

export function unsubscribe(target: Tickable): void {
  subscribers.delete(target)
  if (subscribers.size === 0 && interval !== undefined) {
    clearInterval(interval)
    interval = undefined
  }
}

function runTick(): void {
  const now = Date.now()
  for (const target of [...subscribers]) target.tick(now)
}
