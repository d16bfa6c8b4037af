// PUSH (RFC 30): round robin to peers with room; never receives.
import type { MessageInput } from "../message.js"
import { LoadBalancer } from "../pattern/load-balancer.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { reliability, type Reliability, type ReliableOptions, type ReliableStats } from "../reliable/reliable.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface PushOptions extends SocketOptions {
  conflate?: boolean
  /** Extension: acknowledged delivery with re-sends (docs/reliable.md); fixed at construction. */
  reliable?: boolean | ReliableOptions
}

export interface Push<Value = MessageInput> extends Required<PushOptions> {}

export class Push<Value = MessageInput> extends SocketBase {
  private readonly lb = new LoadBalancer()
  private readonly reliability: Reliability

  constructor(options: PushOptions = {}) {
    super("PUSH", options)
    this.reliability = reliability({ emit: (e) => this.emit(e), wake: () => this.wakeSender() }, this.options, this.lb, false)
    this.extension = this.reliability.extension
  }

  /** Queues a message for the next peer with room; waits (or times out) when none has room. */
  send(message: Value): Promise<void> {
    return this.reliability.settle(this.sendMessage(message))
  }

  /** Extension: the retry buffer's depth and counters (option `reliable`). */
  get reliableStats(): ReliableStats { return this.reliability.stats }

  protected override get xhasOut(): boolean { return this.lb.hasReady && !this.reliability.full }
  protected xsend(message: Message): boolean {
    return this.reliability.send(message) ?? this.lb.send(message) !== undefined
  }
  protected xreceive(): Message | undefined { return undefined }
  protected xattach(pipe: Pipe): boolean { this.lb.attach(pipe); return true }
  protected xdetach(pipe: Pipe): void { this.lb.detach(pipe) }
  protected override xwritable(pipe: Pipe): void { this.lb.activated(pipe) }
  // A PULL peer has nothing to say; anything it sends is discarded so its pipe never stalls.
  protected override xreadable(pipe: Pipe): void { while (pipe.read()); }
}
