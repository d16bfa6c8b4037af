// DEALER (RFC 28): round robin out to peers with room, fair-queued in; no envelope handling.
// DealerBase is the behaviour Request builds on (libzmq req_t : dealer_t); it never parses
// message contents.
import { DELIMITER } from "../pattern/envelope.js"
import { FairQueue } from "../pattern/fair-queue.js"
import { LoadBalancer } from "../pattern/load-balancer.js"
import type { MessageInput } from "../message.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { reliability, type Reliability, type ReliableOptions, type ReliableStats } from "../reliable/reliable.js"
import type { SocketType } from "../zmtp/compat.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface DealerOptions extends SocketOptions {
  routingId?: string | null
  /** Send an empty message to every new peer, so a ROUTER learns about us at once. */
  probeRouter?: boolean
  conflate?: boolean
  /** Extension: acknowledged delivery with re-sends (docs/reliable.md); fixed at construction. */
  reliable?: boolean | ReliableOptions
}

export abstract class DealerBase extends SocketBase {
  protected readonly lb = new LoadBalancer()
  protected readonly fq = new FairQueue()

  protected constructor(type: SocketType, options: object) {
    super(type, options)
  }

  protected override get xhasIn(): boolean { return this.fq.hasReady }
  protected override get xhasOut(): boolean { return this.lb.hasReady }
  protected xsend(message: Message): boolean { return this.lb.send(message) !== undefined }
  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined { return this.fq.receive() }

  protected xattach(pipe: Pipe): boolean {
    // libzmq dealer_t::xattach_pipe: the probe goes first, before anything queued later.
    if (this.options.probeRouter === true) pipe.write([DELIMITER])
    this.lb.attach(pipe)
    this.fq.attach(pipe)
    return true
  }

  protected xdetach(pipe: Pipe): void {
    this.lb.detach(pipe)
    this.fq.detach(pipe)
  }

  protected override xwritable(pipe: Pipe): void { this.lb.activated(pipe) }
  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }
}

export interface Dealer<Value = Buffer[], SendValue = MessageInput> extends Required<DealerOptions> {}

export class Dealer<Value = Buffer[], SendValue = MessageInput> extends DealerBase implements AsyncIterable<Value> {
  private readonly reliability: Reliability

  constructor(options: DealerOptions = {}) {
    super("DEALER", options)
    this.reliability = reliability({ emit: (e) => this.emit(e), wake: () => this.wakeSender() }, this.options, this.lb, true)
    this.extension = this.reliability.extension
  }

  /** Queues the message for the next peer with room (round robin); waits when none has room. */
  send(message: SendValue): Promise<void> {
    return this.reliability.settle(this.sendMessage(message))
  }

  /** Extension: the retry buffer's depth and counters (option `reliable`). */
  get reliableStats(): ReliableStats { return this.reliability.stats }

  protected override get xhasOut(): boolean { return super.xhasOut && !this.reliability.full }
  protected override xsend(message: Message): boolean {
    return this.reliability.send(message) ?? super.xsend(message)
  }

  /** The next message, one peer at a time in turn. */
  receive(): Promise<Value> {
    return this.receiveMessage() as Promise<Value>
  }

  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages() as AsyncGenerator<Value>
  }
}
