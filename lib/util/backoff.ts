// Reconnect delays as libzmq computes them (session_base_t::get_new_reconnect_ivl): the current
// interval plus random jitter in [0, reconnectInterval); the interval doubles up to
// reconnectMaxInterval only when a larger maximum is set.

export class Backoff {
  private current: number

  constructor(private readonly interval: number, private readonly maxInterval: number) {
    this.current = interval
  }

  /** Delay before the next attempt, in ms; -1 when reconnecting is disabled (interval -1). */
  next(): number {
    if (this.interval < 0) return -1
    const jitter = this.interval > 0 ? Math.floor(Math.random() * this.interval) : 0
    const delay = this.current + jitter
    if (this.maxInterval > this.interval) this.current = Math.min(this.current * 2, this.maxInterval)
    return delay
  }

  reset(): void {
    this.current = this.interval
  }
}
