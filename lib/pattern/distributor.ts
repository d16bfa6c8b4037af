// Fan-out of one message to many pipes (RFC 29 PUB/XPUB; RFC 29 XSUB upstream; libzmq dist_t).
// Encodes nothing: every target gets the same frame Buffers by reference (only the frame array
// is copied, so one receiver reshaping its array cannot affect another). A pipe at its
// high-water mark is skipped, i.e. the message is dropped for that peer; with `noDrop` nothing
// is written until every target has room. Never blocks and never queues anything itself.
import type { Message, Pipe } from "../pipe/pipe.js"

export class Distributor {
  private readonly pipes = new Set<Pipe>()

  attach(pipe: Pipe): void {
    this.pipes.add(pipe)
  }

  detach(pipe: Pipe): void {
    this.pipes.delete(pipe)
  }

  has(pipe: Pipe): boolean {
    return this.pipes.has(pipe)
  }

  /** Attached pipes with a live connection (inverted matching and send-to-all pick from these). */
  connected(): Set<Pipe> {
    const live = new Set<Pipe>()
    for (const pipe of this.pipes) if (pipe.connected) live.add(pipe)
    return live
  }

  /**
   * Writes `message` to every pipe of `targets` that is attached and has room. With `noDrop`,
   * returns false without writing anything when some target is full: the caller waits for
   * room (a pipe's writable edge) and retries.
   */
  send(message: Message, targets: Iterable<Pipe>, noDrop = false): boolean {
    if (noDrop) {
      for (const pipe of targets) if (this.pipes.has(pipe) && !pipe.writable && !pipe.terminated) return false
    }
    let first = true
    for (const pipe of targets) {
      if (!pipe.writable || pipe.terminated || !this.pipes.has(pipe)) continue
      pipe.write(first ? message : message.slice())
      first = false
    }
    return true
  }
}
