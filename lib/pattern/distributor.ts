// Fan-out of one message to many pipes (RFC 29 PUB/XPUB; RFC 29 XSUB upstream; libzmq dist_t).
// Encodes nothing: every target gets the same frame Buffers by reference (only the frame array
// is copied, so one receiver reshaping its array cannot affect another). A pipe at its
// high-water mark is skipped, i.e. the message is dropped for that peer; with `noDrop` nothing
// is written until every target has room. Never blocks and never queues anything itself.
import type { Message, Pipe } from "../pipe/pipe.js"
import type { Counters } from "../util/counters.js"

export class Distributor {
  private readonly pipes = new Set<Pipe>()

  /** `counters`: where drops are counted (hwm per skipped peer; filtered when nobody wanted it). */
  constructor(private readonly counters?: Counters) {}

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
    let full = 0
    for (const pipe of targets) {
      if (pipe.terminated || !this.pipes.has(pipe)) continue
      if (!pipe.writable) {
        full++
        continue
      }
      pipe.write(first ? message : message.slice())
      first = false
    }
    if (this.counters !== undefined && first) this.counters.drop(full > 0 ? "hwm" : "filtered", full > 0 ? full : 1)
    else if (full > 0) this.counters?.drop("hwm", full)
    return true
  }
}
