// XSUB (RFC 29; libzmq xsub.cpp) and the core SUB sits on: fair-queues messages from all
// publishers; subscriptions are counted locally (subscribe "A" twice, cancel twice) and go
// upstream to every publisher, a cancel only when the last count goes. Every (re)connect
// re-sends the current set (a pipe drops its pending commands on every connect).
import type { MessageInput } from "../message.js"
import { Distributor } from "../pattern/distributor.js"
import { FairQueue } from "../pattern/fair-queue.js"
import { PrefixTrie } from "../pattern/prefix-trie.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { COMMAND } from "../zmtp/constants.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

/** The only owner of a subscriber's own subscriptions. */
const LOCAL = true

export abstract class SubscriberCore extends SocketBase {
  private readonly fq = new FairQueue()
  private readonly dist = new Distributor()
  protected readonly subscriptions = new PrefixTrie<typeof LOCAL>()

  protected override get xhasIn(): boolean { return this.fq.hasReady }
  protected override get xhasOut(): boolean { return true }
  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined { return this.fq.receive() }
  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }

  protected xattach(pipe: Pipe): boolean {
    this.fq.attach(pipe)
    this.dist.attach(pipe)
    return true
  }

  protected xdetach(pipe: Pipe): void {
    this.fq.detach(pipe)
    this.dist.detach(pipe)
  }

  // RFC 29: subscriptions are re-sent after every (re)connect; each distinct prefix once.
  protected override xconnected(pipe: Pipe): boolean {
    for (const prefix of this.subscriptions.prefixes()) pipe.writeCommand(COMMAND.SUBSCRIBE, prefix)
    return true
  }

  /** [0x01|0x00 + prefix] frames are (un)subscriptions; any other message goes to all publishers. */
  protected xsend(message: Message): boolean {
    const head = message[0]
    if (!head || head.length === 0 || head[0]! > 1) return this.dist.send(message, this.dist.connected())
    for (const frame of message) {
      if (frame.length > 0 && frame[0]! <= 1) this.changeSubscription(frame.subarray(1), frame[0] === 1)
    }
    return true
  }

  /** Every subscribe goes upstream (XPUB verbose mode relies on that); a cancel only at the last one. */
  protected changeSubscription(prefix: Buffer, subscribe: boolean): void {
    if (subscribe) this.subscriptions.add(prefix, LOCAL)
    else if (this.subscriptions.remove(prefix, LOCAL) !== 0) return
    for (const pipe of this.dist.connected()) pipe.writeCommand(subscribe ? COMMAND.SUBSCRIBE : COMMAND.CANCEL, prefix)
  }

}

export interface XSubscriber<Value = Buffer[], SendValue = MessageInput> extends Required<SocketOptions> {}

/** XSUB: subscribes by sending [0x01 + prefix] (cancel: [0x00 + prefix]); receives unfiltered. */
export class XSubscriber<Value = Buffer[], SendValue = MessageInput> extends SubscriberCore implements AsyncIterable<Value> {
  constructor(options: SocketOptions = {}) {
    super("XSUB", options)
  }

  /** [0x01 + prefix] subscribes, [0x00 + prefix] cancels; other messages go to every publisher. */
  send(message: SendValue): Promise<void> { return this.sendMessage(message) }

  receive(): Promise<Value> { return this.receiveMessage() as Promise<Value> }

  [Symbol.asyncIterator](): AsyncIterator<Value> { return this.messages() as AsyncGenerator<Value> }
}
