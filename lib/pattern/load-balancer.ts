// Round robin over the pipes that have room (RFC 30 PUSH, RFC 28 DEALER/REQ: "SHALL consider a
// peer as available only when it has an outgoing queue that is not full"). Readiness is the
// back-pressure: a pipe at its high-water mark leaves the active set until it drains.
//
// libzmq lb_t: one array whose first `active` entries have room; a pipe crosses the line by a
// swap, and each pipe keeps its own position (Pipe.outSlot), so activation, deactivation and
// detach are O(1) whatever the number of peers. Owns Pipe.outSlot; never touches bytes.
import type { Message, Pipe } from "../pipe/pipe.js"

export class LoadBalancer {
  private readonly pipes: Pipe[] = []
  /** pipes[0, active) have room; pipes[active, length) are full or waiting to drain. */
  private active = 0
  private current = 0

  attach(pipe: Pipe): void {
    this.add(pipe)
    if (pipe.writable) this.activated(pipe)
  }

  /** The pipe became writable again (an unknown pipe is attached first). */
  activated(pipe: Pipe): void {
    if (!this.holds(pipe)) this.add(pipe)
    if (pipe.outSlot >= this.active) this.swap(pipe.outSlot, this.active++)
  }

  detach(pipe: Pipe): void {
    if (!this.holds(pipe)) return
    this.deactivate(pipe)
    this.swap(pipe.outSlot, this.pipes.length - 1)
    this.pipes.pop()
    pipe.outSlot = -1
  }

  get hasReady(): boolean {
    return this.active > 0
  }

  /** Hands the message to the next pipe with room and returns it; undefined when none has room. */
  send(message: Message): Pipe | undefined {
    const pipe = this.pick()
    if (!pipe) return undefined
    pipe.write(message)
    if (!pipe.writable) this.deactivate(pipe)
    return pipe
  }

  /**
   * The pipe the next message would go to, advancing the round robin. A caller that writes to it
   * itself need not report a full pipe: the next pick() moves it out of the active set.
   */
  pick(): Pipe | undefined {
    while (this.active > 0) {
      if (this.current >= this.active) this.current = 0
      const pipe = this.pipes[this.current]!
      if (pipe.terminated) this.detach(pipe)
      else if (!pipe.writable) this.deactivate(pipe)
      else {
        this.current = (this.current + 1) % this.active
        return pipe
      }
    }
    return undefined
  }

  /**
   * A connected pipe other than `avoid`, by the round robin; else another pipe with room (its
   * message waits there for the connection); else `avoid` itself. At most one full turn.
   */
  pickPreferring(avoid: Pipe | undefined): Pipe | undefined {
    const first = this.pick()
    let fallback: Pipe | undefined
    for (let pipe = first, turns = 0; pipe !== undefined && turns < this.pipes.length; turns++) {
      if (pipe !== avoid && pipe.connected) return pipe
      if (pipe !== avoid) fallback ??= pipe
      pipe = this.pick()
      if (pipe === first) break
    }
    return fallback ?? first
  }

  private holds(pipe: Pipe): boolean {
    return this.pipes[pipe.outSlot] === pipe
  }

  private add(pipe: Pipe): void {
    pipe.outSlot = this.pipes.length
    this.pipes.push(pipe)
  }

  private deactivate(pipe: Pipe): void {
    if (pipe.outSlot >= this.active) return
    this.swap(pipe.outSlot, --this.active)
    if (this.current >= this.active) this.current = 0
  }

  private swap(a: number, b: number): void {
    const pipes = this.pipes
    const first = pipes[a]!
    const second = pipes[b]!
    pipes[a] = second
    pipes[b] = first
    first.outSlot = b
    second.outSlot = a
  }
}
