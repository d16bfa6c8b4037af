// PULL (RFC 30): fair-queues messages from all peers; never sends.
import { FairQueue } from "../pattern/fair-queue.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { reliableReceiver } from "../reliable/reliable.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface PullOptions extends SocketOptions {
  conflate?: boolean
}

export interface Pull<Value = Buffer[]> extends Required<PullOptions> {}

export class Pull<Value = Buffer[]> extends SocketBase implements AsyncIterable<Value> {
  private readonly fq = new FairQueue()

  constructor(options: PullOptions = {}) {
    super("PULL", options)
    // Acks what reliable senders send (docs/reliable.md); plain peers are unaffected.
    this.extension = reliableReceiver()
  }

  /** The next message, one peer at a time in turn; waits (or times out) when none is queued. */
  receive(): Promise<Value> {
    return this.receiveMessage() as Promise<Value>
  }

  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages() as AsyncGenerator<Value>
  }

  protected override get xhasIn(): boolean { return this.fq.hasReady }
  protected xsend(): boolean { return false }
  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined { return this.fq.receive() }
  protected xattach(pipe: Pipe): boolean { this.fq.attach(pipe); return true }
  protected xdetach(pipe: Pipe): void { this.fq.detach(pipe) }
  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }
}
