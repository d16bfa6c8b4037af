// ZMTP 3.1 heartbeats (RFC 37 "Connection Heartbeating", libzmq stream_engine_base timers):
// PING every interval; after a PING, silence for `timeout` closes the connection; a peer's PING
// with a TTL closes the connection when nothing at all arrives within the TTL. "Any incoming
// traffic" is tracked with a flag set per chunk, so data never touches a timer. Timers run on
// util/timers.ts, so tests drive them with a fake clock.
import { after, every, now, type Cancel } from "../util/timers.js"

export interface HeartbeatHost {
  sendPing(ttlDeciseconds: number): void
  onHeartbeatExpired(): void
}

export interface HeartbeatOptions {
  interval: number
  /** -1 = same as interval (libzmq default). */
  timeout: number
  /** Sent in our PING so the peer can time us out; ms, 0 = none. */
  timeToLive: number
}

export class Heartbeat {
  private pingTimer: Cancel | undefined
  private timeoutTimer: Cancel | undefined
  private ttlTimer: Cancel | undefined
  private trafficSincePing = false
  private trafficSinceTtl = false
  private ttlDeadline = 0

  constructor(private readonly host: HeartbeatHost, private readonly options: HeartbeatOptions) {}

  start(): void {
    if (this.options.interval <= 0) return
    this.pingTimer = every(this.options.interval, () => this.ping())
  }

  /** Anything arrived from the peer. */
  sawTraffic(): void {
    this.trafficSincePing = true
    this.trafficSinceTtl = true
  }

  /**
   * The peer pinged us with a TTL: expect traffic within it (TTLs under 100 ms have no effect).
   * As in libzmq (traffic cancels the TTL timer, each PING arms a fresh one), the TTL counts from
   * the latest PING: a timer still pending from an earlier PING is pushed to the new deadline.
   */
  peerPinged(ttlMs: number): void {
    if (ttlMs < 100) return
    this.trafficSinceTtl = false
    this.ttlDeadline = now() + ttlMs
    if (!this.ttlTimer) this.armTtl(ttlMs)
  }

  private armTtl(ms: number): void {
    this.ttlTimer = after(ms, () => {
      this.ttlTimer = undefined
      if (this.trafficSinceTtl) return
      const left = this.ttlDeadline - now()
      if (left > 1) this.armTtl(left)
      else this.host.onHeartbeatExpired()
    })
  }

  stop(): void {
    this.pingTimer?.()
    this.timeoutTimer?.()
    this.ttlTimer?.()
    this.pingTimer = this.timeoutTimer = this.ttlTimer = undefined
  }

  private ping(): void {
    this.host.sendPing(this.options.timeToLive / 100)
    // libzmq cancels the timeout on any traffic and arms it again at the next PING. Here traffic
    // only sets a flag, so do the cancelling at this PING instead: a peer that went silent just
    // after an earlier PING is then dropped within interval + timeout of its last traffic, not
    // up to one whole timeout later (the old window kept running to its end).
    if (this.timeoutTimer && this.trafficSincePing) {
      this.timeoutTimer()
      this.timeoutTimer = undefined
    }
    if (this.timeoutTimer) return
    this.trafficSincePing = false
    const timeout = this.options.timeout >= 0 ? this.options.timeout : this.options.interval
    this.timeoutTimer = after(timeout, () => {
      this.timeoutTimer = undefined
      if (!this.trafficSincePing) this.host.onHeartbeatExpired()
    })
  }
}
