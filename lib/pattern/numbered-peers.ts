// Routing ids for SERVER (libzmq's draft ZMQ_SERVER): each peer gets a non-zero 32-bit number
// when it attaches, counting on from a random start as libzmq does, so ids of peers that
// come and go are not soon reused. The id also stays on the pipe (4 octets, big-endian) so that
// messages a departed peer already delivered keep theirs.
import { randomInt } from "node:crypto"
import type { Pipe } from "../pipe/pipe.js"

export class NumberedPeers {
  private readonly byId = new Map<number, Pipe>()
  private next: number

  constructor(seed: number = randomInt(1, 2 ** 32)) {
    this.next = seed >>> 0
  }

  /** Numbers the pipe; returns its id. */
  add(pipe: Pipe): number {
    let id = this.next
    while (id === 0 || this.byId.has(id)) id = (id + 1) >>> 0
    this.next = (id + 1) >>> 0
    this.byId.set(id, pipe)
    const frame = Buffer.allocUnsafe(4)
    frame.writeUInt32BE(id, 0)
    pipe.routingId = frame
    return id
  }

  lookup(id: number): Pipe | undefined {
    return this.byId.get(id)
  }

  remove(pipe: Pipe): void {
    const id = idOf(pipe)
    if (id !== undefined && this.byId.get(id) === pipe) this.byId.delete(id)
  }
}

/** The number a NumberedPeers gave this pipe. */
export function idOf(pipe: Pipe): number | undefined {
  return pipe.routingId?.length === 4 ? pipe.routingId.readUInt32BE(0) : undefined
}
