// Fair queuing over readable pipes (RFC 30 PULL, RFC 28 DEALER/ROUTER/REP: "SHALL receive
// incoming messages from its peers using a fair-queuing strategy"): one message from each peer
// in turn, each peer's messages in order.
//
// libzmq fq_t: one array whose first `active` entries have queued messages; a pipe crosses the
// line by a swap and keeps its own position (Pipe.inSlot), so activation and detach are O(1)
// whatever the number of peers. Owns Pipe.inSlot; never touches bytes.
import type { Message, Pipe } from "../pipe/pipe.js"

export class FairQueue {
  private readonly pipes: Pipe[] = []
  /** pipes[0, active) have inbound messages. */
  private active = 0
  private current = 0
  /** Detached pipes still holding messages: they leave once read empty. */
  private readonly leaving = new Set<Pipe>()

  attach(pipe: Pipe): void {
    if (!this.holds(pipe)) this.add(pipe)
    if (pipe.inbound.length > 0) this.activated(pipe)
  }

  /** The pipe's inbound queue went from empty to non-empty (an unknown pipe is attached first). */
  activated(pipe: Pipe): void {
    if (!this.holds(pipe)) this.add(pipe)
    if (pipe.inSlot >= this.active) this.swap(pipe.inSlot, this.active++)
  }

  /**
   * Messages a gone peer already delivered stay readable (libzmq delivers up to the pipe's
   * termination), so a detached pipe leaves only once it is empty.
   */
  detach(pipe: Pipe): void {
    if (!this.holds(pipe)) return
    if (pipe.inbound.length > 0) this.leaving.add(pipe)
    else this.remove(pipe)
  }

  get hasReady(): boolean {
    return this.active > 0
  }

  /**
   * The pipe the message receive() returned last came from (Router needs the sender, option
   * receiveMetadata the peer): a field, so the hot path allocates no pair per message.
   */
  lastPipe: Pipe | undefined = undefined

  /** Next message in turn; `lastPipe` is its pipe. */
  receive(): Message | undefined {
    while (this.active > 0) {
      if (this.current >= this.active) this.current = 0
      const pipe = this.pipes[this.current]!
      const message = pipe.read()
      if (pipe.inbound.length > 0) this.current = (this.current + 1) % this.active
      else if (this.leaving.delete(pipe)) this.remove(pipe)
      else this.deactivate(pipe)
      if (message) {
        this.lastPipe = pipe
        return message
      }
    }
    return undefined
  }

  private holds(pipe: Pipe): boolean {
    return this.pipes[pipe.inSlot] === pipe
  }

  private add(pipe: Pipe): void {
    pipe.inSlot = this.pipes.length
    this.pipes.push(pipe)
  }

  private remove(pipe: Pipe): void {
    this.deactivate(pipe)
    this.swap(pipe.inSlot, this.pipes.length - 1)
    this.pipes.pop()
    pipe.inSlot = -1
  }

  private deactivate(pipe: Pipe): void {
    if (pipe.inSlot >= this.active) return
    this.swap(pipe.inSlot, --this.active)
    if (this.current >= this.active) this.current = 0
  }

  private swap(a: number, b: number): void {
    const pipes = this.pipes
    const first = pipes[a]!
    const second = pipes[b]!
    pipes[a] = second
    pipes[b] = first
    first.inSlot = b
    second.inSlot = a
  }
}
