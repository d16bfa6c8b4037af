// The Socket of the zeromq 5.x API (`zmq.socket("push")`): an EventEmitter with callback
// methods, standing on one v6 socket of the public API. Messages arrive as "message" events
// (one argument per frame), sends queue and never block, errors without a callback become
// "error" events.
import { EventEmitter } from "node:events"
import {
  Dealer, Pair, Publisher, Pull, Push, Reply, Request, Router, Stream, Subscriber, XPublisher, XSubscriber,
} from "../../index.js"
import { invoke } from "./callbacks.js"
import * as c from "./constants.js"
import { Inbox } from "./inbox.js"
import { monitorEvents } from "./monitor.js"
import { mappingOf, optionError, optionId, options, readOption, writeOption, type OptionName } from "./options.js"
import { Outbox, type Callback } from "./outbox.js"

type Inner = Pair | Publisher | Subscriber | XPublisher | XSubscriber | Request | Reply | Dealer | Router | Pull | Push | Stream

const CONSTRUCTORS: Record<c.SocketTypeName, () => Inner> = {
  pair: () => new Pair(), pub: () => new Publisher(), sub: () => new Subscriber(),
  req: () => new Request(), rep: () => new Reply(), dealer: () => new Dealer(), xreq: () => new Dealer(),
  router: () => new Router(), xrep: () => new Router(), pull: () => new Pull(), push: () => new Push(),
  xpub: () => new XPublisher(), xsub: () => new XSubscriber(), stream: () => new Stream(),
}

/** A type given by 5.x name or libzmq number, as its name. */
function typeName(type: c.SocketTypeName | number): c.SocketTypeName {
  const name = typeof type === "number" ? (Object.keys(c.types) as c.SocketTypeName[]).find((n) => c.types[n] === type) : type
  if (name === undefined || !Object.hasOwn(c.types, name)) throw new TypeError(`Invalid socket type: ${String(type)}`)
  return name
}

/** A message part the 5.x API accepts (numbers are sent as their decimal text). */
export type MessagePart = Buffer | string | number | ArrayBuffer | Uint8Array | null

export class Socket extends EventEmitter {
  /** The 5.x type name ("push", "xrep"...). */
  readonly type: c.SocketTypeName
  private readonly inner: Inner
  private readonly inbox: Inbox | undefined
  private readonly outbox: Outbox | undefined
  private pending: MessagePart[] = []
  private stopMonitor: (() => void) | undefined

  constructor(type: c.SocketTypeName | number) {
    super()
    this.type = typeName(type)
    this.inner = CONSTRUCTORS[this.type]()
    const inner = this.inner as Partial<Record<"send" | "receive", unknown>>
    const turns = this.type === "req" ? "request" : this.type === "rep" ? "reply" : "none"
    if (typeof inner.send === "function") {
      this.outbox = new Outbox(this.inner as unknown as Push<unknown[]>, () => this.inbox?.sent(), (e) => this.fail(e), turns === "request")
    }
    if (typeof inner.receive === "function") {
      const deliver = (frames: Buffer[]) => {
        if (turns === "request") this.outbox!.replied()
        this.emit("message", ...frames)
      }
      this.inbox = new Inbox(this.inner as Pull, deliver, (e) => this.fail(e), turns)
      this.on("newListener", (event: string) => event === "message" && this.inbox!.start())
    }
  }

  get closed(): boolean {
    return this.inner.closed
  }

  // ---- endpoints -----------------------------------------------------------------------------

  bind(address: string, callback?: Callback): this {
    this.inner.bind(address).then(
      () => {
        this.emit("bind", address)
        if (callback) invoke(callback)
      },
      (error: Error) => this.report(error, callback),
    )
    return this
  }

  /**
   * Starts the bind and returns; the 5.x binding bound before returning, which Node's
   * listen() cannot do. A failure (such as EADDRINUSE) is an "error" event.
   */
  bindSync(address: string): this {
    return this.bind(address)
  }

  unbind(address: string, callback?: Callback): this {
    this.inner.unbind(address).then(
      () => {
        this.emit("unbind", address)
        if (callback) invoke(callback)
      },
      (error: Error) => this.report(error, callback),
    )
    return this
  }

  /** Starts the unbind and returns; a failure is an "error" event (see bindSync). */
  unbindSync(address: string): this {
    return this.unbind(address)
  }

  connect(address: string): this {
    this.inner.connect(address)
    return this
  }

  disconnect(address: string): this {
    this.inner.disconnect(address)
    return this
  }

  // ---- messages ------------------------------------------------------------------------------

  /**
   * Queues a message (an array is a multipart message). With ZMQ_SNDMORE the parts wait for
   * the rest of the message. The callback gets an error or nothing once the message is queued.
   */
  send(message: MessagePart | MessagePart[], flags: number | null = 0, callback?: Callback): this {
    if (this.outbox === undefined) throw new Error(`Cannot send on a ${this.type} socket`)
    this.pending = this.pending.concat(message)
    if (((flags ?? 0) & c.ZMQ_SNDMORE) !== 0) return this
    const frames = this.pending
    this.pending = []
    this.outbox.push(frames, callback)
    return this
  }

  /** Stops delivering "message" events and sending queued messages, until resume(). */
  pause(): void {
    this.inbox?.pause()
    this.outbox?.pause()
  }

  resume(): void {
    this.inbox?.resume()
    this.outbox?.resume()
  }

  /** Removed in the 5.x API as well: messages come as "message" events. */
  read(): never {
    throw new Error("read() is not available; listen to the \"message\" event instead")
  }

  subscribe(filter: Buffer | string): this {
    if (!(this.inner instanceof Subscriber)) throw new Error("subscribe() needs a sub socket")
    this.inner.subscribe(filter)
    return this
  }

  unsubscribe(filter: Buffer | string): this {
    if (!(this.inner instanceof Subscriber)) throw new Error("unsubscribe() needs a sub socket")
    this.inner.unsubscribe(filter)
    return this
  }

  close(): this {
    this.inner.close()
    this.outbox?.close()
    this.stopMonitor?.()
    return this
  }

  // ---- monitoring ----------------------------------------------------------------------------

  /** Emits the socket's events ("connect", "listen", "accept", "disconnect"...); the arguments are ignored. */
  monitor(_interval?: number, _count?: number): this {
    this.stopMonitor ??= monitorEvents(this.inner.events, (name, value, endpoint, error) => this.emit(name, value, endpoint, error))
    return this
  }

  unmonitor(): this {
    this.stopMonitor?.()
    this.stopMonitor = undefined
    return this
  }

  // ---- options -------------------------------------------------------------------------------

  setsockopt(option: number | OptionName, value: unknown): this {
    const id = optionId(option)
    if (id === c.ZMQ_SUBSCRIBE) return this.subscribe(value as Buffer | string)
    if (id === c.ZMQ_UNSUBSCRIBE) return this.unsubscribe(value as Buffer | string)
    const mapping = mappingOf(id)
    if (mapping === undefined) throw optionError(`Unknown option ${id}`)
    writeOption(this.inner, mapping, value)
    return this
  }

  getsockopt(option: number | OptionName): unknown {
    const id = optionId(option)
    switch (id) {
      case c.ZMQ_TYPE: return c.types[this.type]
      // Whole messages arrive as one event, so there is never more of one to read.
      case c.ZMQ_RCVMORE: return 0
      case c.ZMQ_EVENTS: return (this.inner.readable ? c.ZMQ_POLLIN : 0) | (this.inner.writable ? c.ZMQ_POLLOUT : 0)
      case c.ZMQ_MECHANISM: return this.mechanismId()
      case c.ZMQ_FD: throw new Error("ZMQ_FD is not available: there is no native socket")
    }
    const mapping = mappingOf(id)
    if (mapping === undefined) throw optionError(`Unknown option ${id}`)
    return readOption(this.inner, mapping)
  }

  /** ZMQ_MECHANISM from the security options set: 0 NULL, 1 PLAIN, 2 CURVE. */
  private mechanismId(): number {
    const s = this.inner
    if (s.curveServer || s.curveServerKey !== null) return 2
    if (s.plainServer || s.plainUsername !== null) return 1
    return 0
  }

  // ---- errors --------------------------------------------------------------------------------

  private report(error: Error, callback: Callback | undefined): void {
    if (callback) invoke(callback, error)
    else this.fail(error)
  }

  /** An error nobody asked for by callback: an "error" event (uncaught without a listener, as in 5.x). */
  private fail(error: Error): void {
    invoke(() => this.emit("error", error))
  }
}

// The short option names as properties: `sock.linger = 0`, `sock.backlog`.
for (const name of Object.keys(options) as OptionName[]) {
  Object.defineProperty(Socket.prototype, name, {
    configurable: true,
    get(this: Socket) {
      return this.getsockopt(name)
    },
    set(this: Socket, value: unknown) {
      this.setsockopt(name, value)
    },
  })
}

type Text = string | Buffer | null

/** The option properties (5.x short names); flags read back as 0/1. */
export interface Socket {
  _fd: number
  _ioevents: number
  _receiveMore: number
  _subscribe: string | Buffer
  _unsubscribe: string | Buffer
  affinity: number
  backlog: number
  identity: Text
  linger: number
  rate: number
  rcvbuf: number
  last_endpoint: string | null
  reconnect_ivl: number
  recovery_ivl: number
  sndbuf: number
  mechanism: number
  plain_server: number | boolean
  plain_username: Text
  plain_password: Text
  curve_server: number | boolean
  curve_publickey: Text
  curve_secretkey: Text
  curve_serverkey: Text
  zap_domain: Text
  heartbeat_ivl: number
  heartbeat_ttl: number
  heartbeat_timeout: number
  connect_timeout: number
}

/** Options of `zmq.socket(type, options)`, by 5.x short name. */
export type SocketOptions = { [Name in OptionName]?: Socket[Name] }

/** `zmq.socket(type, options)`: a Socket with the given options (5.x short names) set. */
export function createSocket(type: c.SocketTypeName | number, socketOptions: SocketOptions = {}): Socket {
  const socket = new Socket(type)
  for (const [name, value] of Object.entries(socketOptions)) socket.setsockopt(name as OptionName, value)
  return socket
}
