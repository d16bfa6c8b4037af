// Every timer of the library goes through one Clock: heartbeats, the handshake timer, parked
// send/receive timeouts, linger, and the shared coarse ticker of reliable delivery. Production
// uses the process clock; tests install a fake one (test/helpers/fake-clock.ts) and drive time
// by hand, so timing edges are exact instead of windows on a loaded machine (MQTT.js
// get-timer.ts, undici lib/util/timers.js). Owns no state but the installed clock and the ticker.

/** Cancels a timer; calling it again, or after the timer ran, does nothing. */
export type Cancel = () => void

export interface Clock {
  /** Monotonic milliseconds (only differences mean anything). */
  now(): number
  /** Runs `fn` once after `ms`. Unless `hold`, the timer never keeps the process alive. */
  after(ms: number, fn: () => void, hold?: boolean): Cancel
  /** Runs `fn` every `ms`; never keeps the process alive. */
  every(ms: number, fn: () => void): Cancel
}

export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, fn, hold = false) {
    const timer = setTimeout(fn, ms)
    if (!hold) timer.unref()
    return () => clearTimeout(timer)
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms).unref()
    return () => clearInterval(timer)
  },
}

let clock: Clock = systemClock

/** The clock timers are made with from now on. */
export function currentClock(): Clock {
  return clock
}

/** Installs `replacement` (tests); returns a function that puts the previous clock back. */
export function useClock(replacement: Clock): () => void {
  const previous = clock
  clock = replacement
  return () => {
    clock = previous
  }
}

export function now(): number {
  return clock.now()
}

export function after(ms: number, fn: () => void, hold = false): Cancel {
  return clock.after(ms, fn, hold)
}

export function every(ms: number, fn: () => void): Cancel {
  return clock.every(ms, fn)
}

// ---- the shared ticker -------------------------------------------------------------------------
// One coarse interval for everything that only needs "about every 50 ms" (ack timeouts, throttled
// events), instead of a timer per message. It runs only while someone is subscribed.

export const TICK_MS = 50

export interface Tickable {
  tick(now: number): void
}

const subscribers = new Set<Tickable>()
let stopTicking: Cancel | undefined

export function subscribe(target: Tickable): void {
  subscribers.add(target)
  stopTicking ??= every(TICK_MS, runTick)
}

export function unsubscribe(target: Tickable): void {
  subscribers.delete(target)
  if (subscribers.size === 0 && stopTicking !== undefined) {
    stopTicking()
    stopTicking = undefined
  }
}

function runTick(): void {
  const time = now()
  for (const target of [...subscribers]) target.tick(time)
}
