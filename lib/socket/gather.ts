// GATHER (libzmq draft socket, zeromq.js draft `Gather`): PULL for single-part messages,
// fair-queued from SCATTER peers; never sends.
import { FairQueue } from "../pattern/fair-queue.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface GatherOptions extends SocketOptions {
  conflate?: boolean
}

export interface Gather<Value = Buffer[]> extends Required<GatherOptions> {}

export class Gather<Value = Buffer[]> extends SocketBase implements AsyncIterable<Value> {
  private readonly fq = new FairQueue()

  constructor(options: GatherOptions = {}) {
    super("GATHER", options)
  }

  /** The next message, as [body], one peer at a time in turn. */
  receive(): Promise<Value> {
    return this.receiveMessage() as Promise<Value>
  }

  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages() as AsyncGenerator<Value>
  }

  protected override get xhasIn(): boolean { return this.fq.hasReady }
  protected xsend(): boolean { return false }
  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined {
    // Multipart messages are dropped, as libzmq's GATHER drops them.
    for (let message = this.fq.receive(); message; message = this.fq.receive()) if (message.length === 1) return message
    return undefined
  }
  protected xattach(pipe: Pipe): boolean { this.fq.attach(pipe); return true }
  protected xdetach(pipe: Pipe): void { this.fq.detach(pipe) }
  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }
}
