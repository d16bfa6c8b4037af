// Every handle of a socket is unref'd, so an idle socket never keeps the process alive. While
// something is pending (a parked send or receive, a lingering close, waitForPeers) the socket
// holds one ref'd timer instead: ref()/unref() on an existing timer cost no allocation.

export class KeepAlive {
  private timer: NodeJS.Timeout | undefined

  /** Holds the process open while `needed`; `final` releases the timer for good. */
  update(needed: boolean, final = false): void {
    if (needed) (this.timer ??= setInterval(noop, 1 << 30)).ref()
    else if (final && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    } else this.timer?.unref()
  }
}

function noop(): void {}
