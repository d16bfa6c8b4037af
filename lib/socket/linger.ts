// Lingering (ZMQ_LINGER): after close(), messages still queued get `linger` ms (-1: until sent)
// to leave over the connections that are still up; no new ones are accepted. The socket ends
// when its queues are empty or the time is up, whichever comes first.
import type { Pipe } from "../pipe/pipe.js"
import { after, type Cancel } from "../util/timers.js"

export interface LingerHost {
  readonly type: string
  /** The pipes whose outbound queues lingering waits for. */
  readonly pipes: ReadonlySet<Pipe>
  /** Ends the socket for good (called once lingering is over, or at once). */
  terminate(): void
}

/** How long a linger -1 close waits before warning that it may never finish. */
const LINGER_WARNING_MS = 5000

export class Linger {
  private timer: Cancel | undefined
  /** close() was called and queued messages are still leaving. */
  active = false

  constructor(private readonly host: LingerHost) {}

  /** Starts lingering for `linger` ms; false (and nothing started) when there is no wait. */
  start(linger: number): boolean {
    if (linger === 0 || !this.hasQueued()) return false
    this.active = true
    if (linger > 0) this.timer = after(linger, () => this.host.terminate(), true)
    // linger -1 (the libzmq default) can hold the process forever when no peer ever comes;
    // say so once instead of hanging silently (zeromq.js prints a similar warning).
    else this.timer = after(LINGER_WARNING_MS, () => this.warn())
    return true
  }

  /** A queue drained or a pipe left: the socket ends once nothing is queued. */
  check(): void {
    if (this.active && !this.hasQueued()) this.host.terminate()
  }

  stop(): void {
    this.timer?.()
    this.timer = undefined
    this.active = false
  }

  private hasQueued(): boolean {
    for (const pipe of this.host.pipes) if (pipe.outbound.length > 0) return true
    return false
  }

  private warn(): void {
    let queued = 0
    for (const pipe of this.host.pipes) queued += pipe.outbound.length
    process.emitWarning(
      `a closed ${this.host.type} socket is still waiting to deliver ${queued} queued message(s) (linger -1); ` +
        "set the linger option to bound the wait",
      { code: "BROKERLESS_LINGER" },
    )
  }
}
