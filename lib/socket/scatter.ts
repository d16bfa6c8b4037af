// SCATTER (libzmq draft socket, zeromq.js draft `Scatter`): PUSH for single-part messages,
// round robin to GATHER peers with room; never receives.
import type { MessageInput } from "../message.js"
import { LoadBalancer } from "../pattern/load-balancer.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { assertSinglePart } from "./single-part.js"
import { SocketBase } from "./socket-base.js"

export interface ScatterOptions extends SocketOptions {
  conflate?: boolean
}

export interface Scatter<SendValue = MessageInput> extends Required<ScatterOptions> {}

export class Scatter<SendValue = MessageInput> extends SocketBase {
  private readonly lb = new LoadBalancer()

  constructor(options: ScatterOptions = {}) {
    super("SCATTER", options)
  }

  /** Queues a single-part message for the next peer with room (EINVAL for a multipart one). */
  send(message: SendValue): Promise<void> {
    return this.sendMessage(message)
  }

  protected override get xhasOut(): boolean { return this.lb.hasReady }
  protected xsend(message: Message): boolean {
    assertSinglePart(message)
    return this.lb.send(message) !== undefined
  }
  protected xreceive(): Message | undefined { return undefined }
  protected xattach(pipe: Pipe): boolean { this.lb.attach(pipe); return true }
  protected xdetach(pipe: Pipe): void { this.lb.detach(pipe) }
  protected override xwritable(pipe: Pipe): void { this.lb.activated(pipe) }
  // A GATHER peer has nothing to say; anything it sends is discarded so its pipe never stalls.
  protected override xreadable(pipe: Pipe): void { while (pipe.read()); }
}
