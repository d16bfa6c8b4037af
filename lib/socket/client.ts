// CLIENT (libzmq draft socket, zeromq.js draft `Client`): talks to SERVERs. Single-part
// messages, round robin out to servers with room, fair-queued in.
import type { MessageInput } from "../message.js"
import { FairQueue } from "../pattern/fair-queue.js"
import { LoadBalancer } from "../pattern/load-balancer.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { assertSinglePart } from "./single-part.js"
import { SocketBase } from "./socket-base.js"

export interface Client<Value = Buffer[], SendValue = MessageInput> extends Required<SocketOptions> {}

export class Client<Value = Buffer[], SendValue = MessageInput> extends SocketBase implements AsyncIterable<Value> {
  private readonly lb = new LoadBalancer()
  private readonly fq = new FairQueue()

  constructor(options: SocketOptions = {}) {
    super("CLIENT", options)
  }

  /** Sends a single-part message to the next server with room (EINVAL for a multipart one). */
  send(message: SendValue): Promise<void> {
    return this.sendMessage(message)
  }

  /** The next message, as [body]. */
  receive(): Promise<Value> {
    return this.receiveMessage() as Promise<Value>
  }

  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages() as AsyncGenerator<Value>
  }

  protected override get xhasIn(): boolean { return this.fq.hasReady }
  protected override get xhasOut(): boolean { return this.lb.hasReady }

  protected xsend(message: Message): boolean {
    assertSinglePart(message)
    return this.lb.send(message) !== undefined
  }

  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined {
    // Multipart messages are dropped, as libzmq's CLIENT drops them.
    for (let message = this.fq.receive(); message; message = this.fq.receive()) if (message.length === 1) return message
    return undefined
  }

  protected xattach(pipe: Pipe): boolean {
    this.lb.attach(pipe)
    this.fq.attach(pipe)
    return true
  }

  protected xdetach(pipe: Pipe): void {
    this.lb.detach(pipe)
    this.fq.detach(pipe)
  }

  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }
  protected override xwritable(pipe: Pipe): void { this.lb.activated(pipe) }
}
