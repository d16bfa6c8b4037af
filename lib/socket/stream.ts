// STREAM (libzmq ZMQ_STREAM, zeromq.js `Stream`): raw tcp (or ipc) peers that speak no ZeroMQ,
// such as HTTP clients and servers. Each connection gets a routing id; receive() gives
// [routingId, data] for what arrives, and with `notify` (default on) an empty data frame when a
// peer connects and again when it disconnects. send([routingId, data]) writes the data as it is;
// send([routingId, ""]) closes that connection once what was sent before has been written.
// The routing table and fair queue are ROUTER's; the bytes are the raw stream engine's.
import { zmqError } from "../errors.js"
import type { MessageInput } from "../message.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { RouterBase } from "./router.js"
import type { ConnectOptions } from "./socket-base.js"

const EMPTY = Buffer.alloc(0)

export interface StreamOptions extends SocketOptions {
  /** Deliver [routingId, ""] when a peer connects and when it disconnects (ZMQ_STREAM_NOTIFY; default true). */
  notify?: boolean
}

export interface StreamConnectOptions {
  /** The routing id of the connection made (ZMQ_CONNECT_ROUTING_ID): known before it is up, so a send can go first. */
  routingId?: string
}

export interface Stream<Value = Buffer> extends Required<StreamOptions> {}

export class Stream<Value = Buffer> extends RouterBase implements AsyncIterable<[Buffer, Value]> {
  constructor(options: StreamOptions = {}) {
    super("STREAM", options)
  }

  /** Binds a tcp:// (or ipc://) port; raw peers connect to it. */
  override bind(address: string): Promise<void> {
    if (!isRawTransport(address)) return Promise.reject(rawOnly(address))
    return super.bind(address)
  }

  /** Connects to a raw tcp:// (or ipc://) server; `routingId` names the connection. */
  override connect(address: string, options: StreamConnectOptions & ConnectOptions = {}): void {
    if (!isRawTransport(address)) throw rawOnly(address)
    if (options.routingId !== undefined && this.table.has(Buffer.from(options.routingId))) {
      throw zmqError("EINVAL", `Routing id ${options.routingId} is already in use`)
    }
    super.connect(address, options)
  }

  /** Sends [routingId, data]: data goes out as it is; empty data closes that connection. */
  send(message: [MessageInput, MessageInput]): Promise<void> {
    return this.sendMessage(message)
  }

  /** The next [routingId, data]; data is empty for a connect or disconnect (with `notify`). */
  receive(): Promise<[Buffer, Value]> {
    return this.receiveMessage() as Promise<[Buffer, Value]>
  }

  [Symbol.asyncIterator](): AsyncIterator<[Buffer, Value]> {
    return this.messages() as AsyncGenerator<[Buffer, Value]>
  }

  protected override get envelopeSize(): number { return 1 }

  /** libzmq stream_t::xsend: an unknown routing id is EHOSTUNREACH, whatever `mandatory` says. */
  protected override xsend(message: Message): boolean {
    if (message.length < 2) throw zmqError("EINVAL", "A stream message is [routingId, data]")
    const pipe = this.table.lookup(message[0]!)
    if (pipe === undefined || pipe.terminated) throw zmqError("EHOSTUNREACH", "No connection with this routing id")
    if (!pipe.writable) return false
    const data = message.length === 2 ? message[1]! : Buffer.concat(message.slice(1))
    pipe.write([data])
    // The connection is closing: its id is gone at once, so later sends fail instead of queueing
    // on a pipe that will never carry them (a connect-side pipe closed by us is not re-dialed).
    if (data.length === 0) this.table.remove(pipe)
    return true
  }

  protected override xconnected(pipe: Pipe): boolean {
    if (!super.xconnected(pipe)) return false
    if (this.options.notify !== false) pipe.deliver([EMPTY])
    return true
  }

  protected override xdisconnected(pipe: Pipe): void {
    if (this.options.notify !== false) pipe.deliver([EMPTY])
  }
}

function isRawTransport(address: string): boolean {
  return address.startsWith("tcp://") || address.startsWith("ipc://")
}

function rawOnly(address: string) {
  return zmqError("ENOCOMPATPROTO", "Stream sockets use tcp:// or ipc:// only", { address })
}
