// XPUB (RFC 29; libzmq xpub.cpp) and the core PUB sits on: messages fan out to the pipes whose
// subscriptions prefix-match the first frame. Subscriptions arrive from each pipe as
// [0x01|0x00 + prefix] messages (the engine converts ZMTP 3.1 commands to that form); XPUB also
// hands them to the application, PUB keeps them to itself. Never touches bytes on the wire.
import { zmqError } from "../errors.js"
import type { MessageInput } from "../message.js"
import { Distributor } from "../pattern/distributor.js"
import { SubscriptionTable, type NoticeRules } from "../pattern/prefix-trie.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { checkDatagram, isUdpPipe } from "../engine/dgram-engine.js"
import { Queue } from "../util/queue.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface PublisherOptions extends SocketOptions {
  /** Wait for room (send() parks) instead of dropping for a subscriber at its HWM. */
  noDrop?: boolean
  /** Keep only the newest message per subscriber. */
  conflate?: boolean
  /** Send to subscribers whose subscriptions do NOT match. */
  invertMatching?: boolean
}

export interface XPublisherOptions extends PublisherOptions {
  /** null: first subscribe and last cancel only; "allSubs": every subscribe; "allSubsUnsubs": everything. */
  verbosity?: null | "allSubs" | "allSubsUnsubs"
  /** Subscriptions take effect only through subscribe()/unsubscribe() (ZMQ_XPUB_MANUAL). */
  manual?: boolean
  /** Sent to each subscriber as soon as it connects. */
  welcomeMessage?: string | Buffer | null
}

const NO_TOPIC = Buffer.alloc(0)

const VERBOSITY_LEVEL: Readonly<Record<string, number>> = { allSubs: 1, allSubsUnsubs: 2 }

export abstract class PublisherCore extends SocketBase {
  private readonly dist = new Distributor(this.counters)
  private readonly table = new SubscriptionTable<Pipe>()
  /** Subscription notices and upstream messages for receive(), with the pipe they came from. */
  private readonly notices = new Queue<{ message: Message; pipe: Pipe | undefined }>()
  /** Manual mode: the pipe of the notice received last; subscribe() applies to it. */
  private lastPipe: Pipe | undefined
  /** udp:// destinations (PUB only): no subscriptions come back over udp, so all goes there. */
  private readonly udpPipes = new Set<Pipe>()

  protected override get xhasOut(): boolean { return true }
  protected override get xhasIn(): boolean { return this.notices.length > 0 }

  protected xsend(message: Message): boolean {
    const matched = this.table.active.match(message[0] ?? NO_TOPIC, new Set())
    let targets = matched
    if (this.options.invertMatching) {
      targets = this.dist.connected()
      for (const pipe of matched) targets.delete(pipe)
    }
    if (this.udpPipes.size > 0) {
      checkDatagram(message)
      for (const pipe of this.udpPipes) targets.add(pipe)
    }
    return this.dist.send(message, targets, this.options.noDrop === true)
  }

  protected xreceive(): Message | undefined {
    const notice = this.notices.shift()
    if (notice && this.options.manual) this.lastPipe = notice.pipe && this.dist.has(notice.pipe) ? notice.pipe : undefined
    return notice?.message
  }

  protected xattach(pipe: Pipe): boolean {
    this.dist.attach(pipe)
    if (isUdpPipe(pipe)) this.udpPipes.add(pipe)
    return true
  }

  protected override xconnected(pipe: Pipe): boolean {
    const welcome = this.options.welcomeMessage
    if (welcome) pipe.write([Buffer.from(welcome)])
    return true
  }

  // A connect-side pipe outlives its connection; the subscriber re-sends everything on reconnect.
  protected override xdisconnected(pipe: Pipe): void { this.forget(pipe) }

  protected xdetach(pipe: Pipe): void {
    this.forget(pipe)
    this.dist.detach(pipe)
    this.udpPipes.delete(pipe)
    if (this.lastPipe === pipe) this.lastPipe = undefined
    this.wakeSender() // a parked noDrop send may have waited for this pipe only
  }

  // Applied as they arrive, read or not (libzmq xread_activated): the pipe is always emptied,
  // so the next message makes it readable, and calls this, again.
  protected override xreadable(pipe: Pipe): void {
    for (let message = pipe.read(); message; message = pipe.read()) this.incoming(pipe, message)
    this.wakeSender()
  }

  protected applyManual(prefixes: Array<Buffer | string>, subscribe: boolean): void {
    if (!this.options.manual) throw zmqError("EINVAL", "XPublisher subscribe()/unsubscribe() need manual: true")
    const pipe = this.lastPipe
    if (!pipe) return
    for (const prefix of prefixes.length ? prefixes : [""]) this.table.applyManual(Buffer.from(prefix), subscribe, pipe)
  }

  private get rules(): NoticeRules {
    return { verbosity: VERBOSITY_LEVEL[String(this.options.verbosity)] ?? 0, manual: this.options.manual === true }
  }

  private incoming(pipe: Pipe, message: Message): void {
    const head = message[0]
    if (!head || head.length === 0 || head[0]! > 1) return this.notify(message, pipe) // upstream data
    for (const frame of message) {
      if (frame.length === 0 || frame[0]! > 1) continue
      if (this.table.apply(frame.subarray(1), frame[0] === 1, pipe, this.rules)) this.notify([frame], pipe)
    }
  }

  /** Queues a notice for receive() (XPUB only), at most receiveHighWaterMark; beyond, dropped. */
  private notify(message: Message, pipe: Pipe | undefined): void {
    if (this.type !== "XPUB") return
    const hwm = this.options.receiveHighWaterMark
    if (hwm === 0 || this.notices.length < hwm) this.notices.push({ message, pipe })
  }

  // libzmq xpub xpipe_terminated: the last owner of a prefix leaving cancels it. A receive()
  // parked meanwhile must hear of it: nothing else wakes it on this path (no pipe became readable).
  private forget(pipe: Pipe): void {
    const cancelled = this.table.removeOwner(pipe, this.rules)
    for (const prefix of cancelled) this.notify([Buffer.concat([CANCEL, prefix])], undefined)
    if (cancelled.length > 0) this.wakeReceiver()
  }
}

const CANCEL = Buffer.from([0])

export interface XPublisher<Value = Buffer[], SendValue = MessageInput> extends Required<XPublisherOptions> {}

/** XPUB: a publisher whose subscribers' (un)subscriptions are readable as [0x01|0x00 + prefix]. */
export class XPublisher<Value = Buffer[], SendValue = MessageInput> extends PublisherCore implements AsyncIterable<Value> {
  constructor(options: XPublisherOptions = {}) {
    super("XPUB", options)
  }

  /** Sends to every subscriber whose subscription matches; drops for full ones unless noDrop. */
  send(message: SendValue): Promise<void> { return this.sendMessage(message) }

  /** The next notice ([0x01 + prefix] or [0x00 + prefix]) or upstream message from an XSUB. */
  receive(): Promise<Value> { return this.receiveMessage() as Promise<Value> }

  [Symbol.asyncIterator](): AsyncIterator<Value> { return this.messages() as AsyncGenerator<Value> }

  /** manual: subscribes the peer whose notice was received last (no argument: everything). */
  subscribe(...prefixes: Array<Buffer | string>): void { this.applyManual(prefixes, true) }

  /** manual: unsubscribes the peer whose notice was received last. */
  unsubscribe(...prefixes: Array<Buffer | string>): void { this.applyManual(prefixes, false) }
}
