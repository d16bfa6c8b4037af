// ROUTER (RFC 28): fair-queued in with the sender's routing id prepended; out routed on the
// first frame through the RoutingTable. Unknown ids are dropped, or with `mandatory` rejected
// at once (EHOSTUNREACH). RouterBase is what Reply builds on (libzmq rep_t : router_t).
import { zmqError } from "../errors.js"
import { DELIMITER } from "../pattern/envelope.js"
import { FairQueue } from "../pattern/fair-queue.js"
import { RoutingTable } from "../pattern/routing-table.js"
import type { MessageInput } from "../message.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { reliableReceiver } from "../reliable/reliable.js"
import type { SocketType } from "../zmtp/compat.js"
import type { SocketOptions } from "./options.js"
import { SocketBase, type ConnectOptions } from "./socket-base.js"

export interface RouterOptions extends SocketOptions {
  routingId?: string | null
  /** Unroutable sends reject with EHOSTUNREACH; a full peer makes send wait instead of dropping. */
  mandatory?: boolean
  /** A new peer with a taken Identity takes the id over; the old connection is closed. */
  handover?: boolean
  probeRouter?: boolean
}

export abstract class RouterBase extends SocketBase {
  protected readonly fq = new FairQueue()
  protected readonly table = new RoutingTable()

  protected constructor(type: SocketType, options: object) {
    super(type, options)
  }

  /** Routes [routingId, ...body]; throws EHOSTUNREACH (mandatory) or returns false to wait. */
  protected xsend(message: Message): boolean {
    // libzmq router_t::xsend ignores an id with no body after it.
    if (message.length < 2) return true
    const pipe = this.table.lookup(message[0]!)
    const mandatory = this.options.mandatory === true
    if (pipe === undefined || pipe.terminated) {
      if (mandatory) throw zmqError("EHOSTUNREACH", "No peer with this routing id")
      this.counters.drop("noRoute")
      return true
    }
    if (!pipe.writable) {
      if (mandatory) return false
      this.counters.drop("hwm") // not mandatory: dropped at the high-water mark
      return true
    }
    pipe.write(message.slice(1))
    return true
  }

  /** [routingId, ...body] from the next peer in turn. */
  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined {
    for (let message = this.fq.receive(); message; message = this.fq.receive()) {
      const id = this.fq.lastPipe!.routingId
      if (id !== undefined) return [id, ...message]
    }
    return undefined
  }

  protected override get xhasIn(): boolean { return this.fq.hasReady }
  // Whether a send is queued depends on its routing id; an unknown one never waits.
  protected override get xhasOut(): boolean { return true }

  protected xattach(pipe: Pipe): boolean {
    if (pipe.routingId !== undefined && !this.table.add(pipe, pipe.routingId)) return false
    if (this.options.probeRouter === true) pipe.write([DELIMITER])
    this.fq.attach(pipe)
    return true
  }

  protected override xconnected(pipe: Pipe): boolean {
    const result = this.table.identify(pipe, this.options.handover === true)
    if (!result.ok) return false
    result.displaced?.engine?.close()
    return true
  }

  protected xdetach(pipe: Pipe): void {
    this.table.remove(pipe)
    this.fq.detach(pipe)
    // A send waiting for this peer's room now fails with EHOSTUNREACH instead of waiting forever.
    this.wakeSender()
  }

  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }
}

export interface Router<Value = Buffer[], SendValue = MessageInput> extends Required<RouterOptions> {}

export class Router<Value = Buffer[], SendValue = MessageInput> extends RouterBase implements AsyncIterable<Value> {
  constructor(options: RouterOptions = {}) {
    super("ROUTER", options)
    // Acks what reliable Dealers send (docs/reliable.md); plain peers are unaffected.
    this.extension = reliableReceiver()
  }

  /** Sends [routingId, ...frames] to the peer with that routing id. */
  send(message: SendValue): Promise<void> {
    return this.sendMessage(message)
  }

  /** The next message as [routingId, ...frames], one peer at a time in turn. */
  receive(): Promise<Value> {
    return this.receiveMessage() as Promise<Value>
  }

  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages() as AsyncGenerator<Value>
  }

  /** `routingId` names the peer at `address` (ZMQ_CONNECT_ROUTING_ID); it must be unused. */
  override connect(address: string, options: ConnectOptions = {}): void {
    if (options.routingId !== undefined && this.table.has(Buffer.from(options.routingId))) {
      throw zmqError("EINVAL", `Routing id ${options.routingId} is already in use`)
    }
    super.connect(address, options)
  }

  protected override get envelopeSize(): number { return 1 }
}
