// Fair queuing over readable pipes (RFC 30 PULL, RFC 28 DEALER/ROUTER/REP: "SHALL receive
// incoming messages from its peers using a fair-queuing strategy"): one message from each peer
// in turn, each peer's messages in order. A pipe is listed while its inbound queue is non-empty.
import type { Message, Pipe } from "../pipe/pipe.js"

export class FairQueue {
  private readonly ready: Pipe[] = []
  private next = 0

  attach(pipe: Pipe): void {
    if (pipe.inbound.length > 0) this.activated(pipe)
  }

  /** The pipe's inbound queue went from empty to non-empty. */
  activated(pipe: Pipe): void {
    if (!this.ready.includes(pipe)) this.ready.push(pipe)
  }

  /**
   * Messages a gone peer already delivered stay readable (libzmq delivers up to the pipe's
   * termination), so a detached pipe leaves the list only once it is empty.
   */
  detach(pipe: Pipe): void {
    if (pipe.inbound.length === 0) this.remove(pipe)
  }

  get hasReady(): boolean {
    return this.ready.length > 0
  }

  receive(): Message | undefined {
    return this.receiveFrom()?.message
  }

  /** Next message and the pipe it came from (Router needs the sender). */
  receiveFrom(): { message: Message; pipe: Pipe } | undefined {
    while (this.ready.length > 0) {
      if (this.next >= this.ready.length) this.next = 0
      const pipe = this.ready[this.next]!
      const message = pipe.read()
      if (pipe.inbound.length === 0) this.ready.splice(this.next, 1)
      else this.next++
      if (message) return { message, pipe }
    }
    return undefined
  }

  private remove(pipe: Pipe): void {
    const index = this.ready.indexOf(pipe)
    if (index === -1) return
    this.ready.splice(index, 1)
    if (this.next > index) this.next--
  }
}
