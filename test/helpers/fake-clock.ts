// A Clock for lib/util/timers.ts that only moves when the test says so. install() makes every
// timer the library creates from then on use it; advance(ms) runs the due timers in deadline
// order (ties in creation order), each seeing now() at its own deadline.
import { useClock, type Cancel, type Clock } from "../../lib/util/timers.js"

interface Entry {
  at: number
  seq: number
  fn: () => void
  period: number
  live: boolean
  hold: boolean
}

export class FakeClock implements Clock {
  private time = 0
  private seq = 0
  private readonly entries: Entry[] = []

  /** Installs this clock; the returned function restores the previous one. */
  install(): () => void {
    return useClock(this)
  }

  now(): number {
    return this.time
  }

  after(ms: number, fn: () => void, hold = false): Cancel {
    return this.add(ms, fn, 0, hold)
  }

  every(ms: number, fn: () => void): Cancel {
    return this.add(ms, fn, Math.max(1, ms), false)
  }

  /** Timers not yet run nor cancelled. */
  get pending(): number {
    return this.entries.filter((entry) => entry.live).length
  }

  /** Pending timers that would keep a real process alive. */
  get holding(): number {
    return this.entries.filter((entry) => entry.live && entry.hold).length
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms
    for (let next = this.due(end); next !== undefined; next = this.due(end)) {
      this.time = next.at
      if (next.period > 0) next.at += next.period
      else next.live = false
      next.fn()
    }
    this.time = end
  }

  private due(end: number): Entry | undefined {
    let first: Entry | undefined
    for (const entry of this.entries) {
      if (!entry.live || entry.at > end) continue
      if (first === undefined || entry.at < first.at || (entry.at === first.at && entry.seq < first.seq)) first = entry
    }
    if (first === undefined) this.entries.splice(0, this.entries.length, ...this.entries.filter((entry) => entry.live))
    return first
  }

  private add(ms: number, fn: () => void, period: number, hold: boolean): Cancel {
    const entry: Entry = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, period, live: true, hold }
    this.entries.push(entry)
    return () => {
      entry.live = false
    }
  }
}
