// Round robin over the pipes that have room (RFC 30 PUSH, RFC 28 DEALER/REQ: "SHALL consider a
// peer as available only when it has an outgoing queue that is not full"). Readiness is the
// back-pressure: a pipe at its high-water mark leaves the ready list until it drains.
import type { Message, Pipe } from "../pipe/pipe.js"

export class LoadBalancer {
  private readonly ready: Pipe[] = []
  private next = 0

  attach(pipe: Pipe): void {
    if (pipe.writable) this.activated(pipe)
  }

  /** The pipe became writable again. */
  activated(pipe: Pipe): void {
    if (!this.ready.includes(pipe)) this.ready.push(pipe)
  }

  detach(pipe: Pipe): void {
    const index = this.ready.indexOf(pipe)
    if (index === -1) return
    this.ready.splice(index, 1)
    if (this.next > index) this.next--
  }

  get hasReady(): boolean {
    return this.ready.length > 0
  }

  /** Hands the message to the next pipe with room; false when none has room. */
  send(message: Message): boolean {
    const pipe = this.pick()
    if (!pipe) return false
    pipe.write(message)
    if (!pipe.writable) this.detach(pipe)
    return true
  }

  /** The pipe the next message would go to, advancing the round robin. */
  pick(): Pipe | undefined {
    while (this.ready.length > 0) {
      if (this.next >= this.ready.length) this.next = 0
      const pipe = this.ready[this.next]!
      if (pipe.writable && !pipe.terminated) {
        this.next++
        return pipe
      }
      this.ready.splice(this.next, 1)
    }
    return undefined
  }
}
