// The socket core every pattern shares: options, endpoints (bind/connect), the single parked
// send and receive, linger and close, events. Socket types plug in through the x* hooks and
// never touch bytes; this file never routes messages itself.
import type { EngineOptions } from "../engine/stream-engine.js"
import type { LocalIdentity } from "../engine/handshake.js"
import { zmqError, type ZmqError } from "../errors.js"
import { SocketEvents, type SocketEvent } from "../events.js"
import { checkFrameSizes, toFrame, toFrames, type MessageInput } from "../message.js"
import { msgpackCodec } from "../codec/msgpack.js"
import { Pipe, type Message, type PipeOwner } from "../pipe/pipe.js"
import { parseEndpoint } from "../transport/endpoint.js"
import type { SocketType } from "../zmtp/compat.js"
import type { PropertyList } from "../zmtp/metadata.js"
import type { AdvertiseOptions, DiscoveryConfig, DiscoveryEvent, DiscoveryTarget } from "../discovery/index.js"
import type { ConnectionOwner } from "./connection-owner.js"
import { SocketDiscovery } from "./socket-discovery.js"
import { Dialer } from "./dialer.js"
import { Listener } from "./listener.js"
import { defaultOptions, hasOption, OPTION_TABLE, validateOption, type OptionName, type OptionValues } from "./options.js"
import { Parked } from "./parked.js"

const RESOLVED: Promise<void> = Promise.resolve()

/**
 * Sends that complete at once resolve with an already-settled promise, so `await send()` in a
 * loop never leaves the microtask queue. Every YIELD_EVERY such sends in one turn, the promise
 * settles in setImmediate instead: the loop then lets I/O, timers and the batched flush run
 * (a publisher never waits for room, so without this it would only drop once its queues fill).
 */
const YIELD_EVERY = 1024
let burst = 0

function burstYield(): Promise<void> {
  if (++burst < YIELD_EVERY) {
    if (burst === 1) setImmediate(endBurst)
    return RESOLVED
  }
  burst = 0
  return new Promise((resolve) => setImmediate(resolve))
}

function endBurst(): void {
  burst = 0
}

export interface ConnectOptions {
  /** Router only: the routing id the peer at this endpoint gets (ZMQ_CONNECT_ROUTING_ID). */
  routingId?: string
  /** mdns:// only: how the name is resolved (mDNS by default; static seeds or DNS SRV). */
  discovery?: DiscoveryConfig
}

/**
 * A protocol extension riding on a socket (e.g. reliable delivery): it sees the pipe life cycle
 * and the command frames the engine does not know, and adds READY properties. Every hook runs
 * after the socket type's own x* hook; none may throw.
 */
export interface SocketExtension {
  /** Extra READY properties (X- names). */
  readonly properties: PropertyList
  attached?(pipe: Pipe): void
  /** The pipe got a handshaken connection; false refuses it (the connection is closed). */
  connected?(pipe: Pipe): boolean
  disconnected?(pipe: Pipe): void
  detached?(pipe: Pipe): void
  /** Runs before a parked send is retried. */
  writable?(pipe: Pipe): void
  command?(pipe: Pipe, name: string, data: Buffer): void
  closing?(): void
}

export abstract class SocketBase implements PipeOwner, ConnectionOwner {
  readonly events = new SocketEvents()
  /** The endpoint of the last successful bind, resolved (ephemeral port filled in). */
  lastEndpoint: string | null = null
  protected readonly options: OptionValues
  protected readonly pipes = new Set<Pipe>()
  private readonly listeners: Listener[] = []
  private readonly dialers = new Map<string, Dialer[]>()
  private readonly parkedSend = new Parked<void, Message>(() => this.updateKeepAlive())
  private readonly parkedReceive = new Parked<unknown>(() => this.updateKeepAlive())
  private bindBusy = false
  private isClosed = false
  private lingering = false
  private lingerTimer: NodeJS.Timeout | undefined
  private keepAlive: NodeJS.Timeout | undefined
  private discoveryGlue: SocketDiscovery | undefined
  /** Dialers discovery started, by endpoint: its connect/disconnect never touch the user's. */
  private readonly foundDialers = new Map<string, Dialer>()
  private peerWaiters = 0
  /** Set by a socket type's constructor to plug an extension in (see SocketExtension). */
  protected extension: SocketExtension | undefined

  protected constructor(readonly type: SocketType, options: object = {}) {
    this.options = defaultOptions(type)
    for (const [name, value] of Object.entries(options)) {
      if (!hasOption(type, name)) throw new TypeError(`Unknown option ${name} for a ${type} socket`)
      this.options[name] = validateOption(name, value)
    }
  }

  get closed(): boolean {
    return this.isClosed
  }

  /** A receive() now would resolve at once. */
  get readable(): boolean {
    return !this.isClosed && this.xhasIn
  }

  /** A send() now would be queued at once. */
  get writable(): boolean {
    return !this.isClosed && this.xhasOut
  }

  // ---- hooks for socket types ---------------------------------------------------------------

  /** Queue the message now if the pattern can; false parks the send. May throw EFSM etc. */
  protected abstract xsend(message: Message): boolean
  /** Next message for the application, if any. */
  protected abstract xreceive(): Message | undefined
  /** A new pipe; false refuses it. */
  protected abstract xattach(pipe: Pipe): boolean
  protected abstract xdetach(pipe: Pipe): void
  protected get xhasIn(): boolean { return false }
  protected get xhasOut(): boolean { return false }
  protected xconnected(_pipe: Pipe): boolean { return true }
  protected xdisconnected(_pipe: Pipe): void {}
  protected xreadable(_pipe: Pipe): void {}
  protected xwritable(_pipe: Pipe): void {}
  protected xcommand(_pipe: Pipe, _name: string, _data: Buffer): void {}
  /** Frames before the payload that the codec leaves alone (Router: the routing id). */
  protected get envelopeSize(): number { return 0 }
  /** Extra READY properties (X- extensions). */
  protected readyProperties(): PropertyList { return [] }

  // ---- endpoints ---------------------------------------------------------------------------

  async bind(address: string): Promise<void> {
    this.assertOpen()
    if (this.bindBusy) throw zmqError("EBUSY", "Socket is busy with a bind or unbind")
    const endpoint = parseEndpoint(address, true)
    if (endpoint.transport === "mdns" || endpoint.transport === "udp") {
      throw zmqError("ENOCOMPATPROTO", `${endpoint.transport}:// is not available for a ${this.type} socket`)
    }
    this.bindBusy = true
    let listener: Listener
    try {
      listener = await Listener.open(this, endpoint)
    } catch (error) {
      this.emit({ type: "bind:error", address, error: error as ZmqError })
      throw error
    } finally {
      this.bindBusy = false
    }
    if (this.isClosed) {
      listener.close()
      throw zmqError("EBADF", "Socket closed during bind")
    }
    this.listeners.push(listener)
    this.lastEndpoint = listener.endpoint
    this.emit({ type: "bind", address: listener.endpoint })
    this.endpointsChanged()
  }

  async unbind(address: string): Promise<void> {
    this.assertOpen()
    const index = this.listeners.findIndex((l) => l.endpoint === address || l.requested.address === address)
    if (index === -1) throw zmqError("ENOENT", `Not bound to ${address}`, { address })
    const [listener] = this.listeners.splice(index, 1)
    listener!.close()
    this.endpointsChanged()
  }

  connect(address: string, options: ConnectOptions = {}): void {
    this.assertOpen()
    const endpoint = parseEndpoint(address, false)
    if (endpoint.transport === "mdns") return this.connectDiscovered(endpoint.name, options)
    if (endpoint.transport === "udp") {
      throw zmqError("ENOCOMPATPROTO", `udp:// is not available for a ${this.type} socket`)
    }
    if (options.routingId !== undefined && this.type !== "ROUTER") {
      throw zmqError("EINVAL", "connect() routingId is for Router sockets")
    }
    const routingId = options.routingId === undefined ? undefined : Buffer.from(validateOption("routingId", options.routingId) as string)
    this.addDialer(address, new Dialer(this, endpoint, routingId))
  }

  private addDialer(address: string, dialer: Dialer): void {
    const list = this.dialers.get(address) ?? []
    list.push(dialer)
    this.dialers.set(address, list)
    dialer.start()
  }

  disconnect(address: string): void {
    this.assertOpen()
    if (address.startsWith("mdns://")) return this.discoveryGlueOf().unbrowse(address.slice(7))
    const list = this.dialers.get(address)
    if (!list) throw zmqError("ENOENT", `Not connected to ${address}`, { address })
    this.dialers.delete(address)
    for (const dialer of list) dialer.stop()
  }

  /** Peers whose handshake has completed and whose connection is live. */
  get peerCount(): number {
    let count = 0
    for (const pipe of this.pipes) if (pipe.connected) count++
    return count
  }

  /**
   * Resolves once at least `count` peers have completed the handshake (the slow-joiner fix:
   * await this before the first send instead of sleeping). Rejects with EAGAIN after
   * `timeout` ms (default: wait forever) and with EBADF if the socket closes first.
   */
  waitForPeers(count = 1, options: { timeout?: number } = {}): Promise<void> {
    if (this.isClosed) return Promise.reject(zmqError("EBADF", "Socket is closed"))
    if (this.peerCount >= count) return RESOLVED
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.peerCount < count) return
        cleanup()
        resolve()
      }
      const ended = () => {
        cleanup()
        reject(zmqError("EBADF", "Socket closed before enough peers connected"))
      }
      const timer = options.timeout !== undefined && options.timeout >= 0
        ? setTimeout(() => {
          cleanup()
          reject(zmqError("EAGAIN", `${this.peerCount} of ${count} peers after ${options.timeout} ms`))
        }, options.timeout)
        : undefined
      const cleanup = () => {
        clearTimeout(timer)
        this.events.off("handshake", check)
        this.events.off("end", ended)
        this.peerWaiters--
        this.updateKeepAlive()
      }
      this.peerWaiters++
      this.updateKeepAlive()
      // "handshake" is emitted after the pipe is connected, so peerCount already counts it.
      this.events.on("handshake", check)
      this.events.on("end", ended)
    })
  }

  /** Resolved endpoints this socket is bound to. */
  boundEndpoints(): string[] {
    return this.listeners.map((l) => l.endpoint)
  }

  // ---- discovery (extension) ----------------------------------------------------------------

  /**
   * Announces this socket's bound endpoints under `name` over mDNS/DNS-SD (re-announced after
   * every bind/unbind, withdrawn on close). Peers find it with connect("mdns://name").
   */
  advertise(name: string, options: AdvertiseOptions = {}): void {
    this.assertOpen()
    const discovery = this.options.discovery as DiscoveryConfig | null
    this.discoveryGlueOf().advertise(name, { ...(discovery ? { discovery } : {}), ...options })
  }

  /** Withdraws an advertisement (goodbye packets), resolving once sent. */
  unadvertise(name: string): Promise<void> {
    return this.discoveryGlueOf().unadvertise(name)
  }

  private connectDiscovered(name: string, options: ConnectOptions): void {
    const discovery = (options.discovery ?? this.options.discovery) as DiscoveryConfig | null
    this.discoveryGlueOf().browse(name, discovery ? { discovery } : {})
  }

  private discoveryGlueOf(): SocketDiscovery {
    if (this.discoveryGlue) return this.discoveryGlue
    // Discovery dials through its own door: the public connect()/disconnect() throw (EBADF,
    // ENOENT after a manual disconnect of a found endpoint), and a throw from an mDNS callback
    // would crash the process.
    const socket = this
    const target: DiscoveryTarget = {
      type: this.type,
      get closed() { return socket.closed },
      boundEndpoints: () => this.boundEndpoints(),
      extensions: () => this.extensions(),
      connect: (endpoint) => this.connectFound(endpoint),
      disconnect: (endpoint) => this.disconnectFound(endpoint),
      emitDiscovery: (event) => this.emitDiscovery(event),
    }
    return (this.discoveryGlue = new SocketDiscovery(target))
  }

  private connectFound(address: string): void {
    if (this.isClosed || this.foundDialers.has(address)) return
    const endpoint = parseEndpoint(address, false)
    if (endpoint.transport === "mdns" || endpoint.transport === "udp") return // discovery gives tcp/ipc only
    const dialer = new Dialer(this, endpoint, undefined)
    this.foundDialers.set(address, dialer)
    this.addDialer(address, dialer)
  }

  /** Stops only the dialer discovery started (a no-op if the user already disconnected it). */
  private disconnectFound(address: string): void {
    const dialer = this.foundDialers.get(address)
    if (!dialer) return
    this.foundDialers.delete(address)
    const rest = (this.dialers.get(address) ?? []).filter((d) => d !== dialer)
    if (rest.length > 0) this.dialers.set(address, rest)
    else this.dialers.delete(address)
    dialer.stop()
  }

  /** DiscoveryTarget: the extensions peers see in TXT records. */
  extensions(): Record<string, string> {
    const extensions: Record<string, string> = {}
    if (this.options.codec !== null) extensions.codec = String(this.options.codec)
    if (this.options.reliable) extensions.reliable = "1"
    return extensions
  }

  /** DiscoveryTarget: found/lost/ignored peers become socket events. */
  emitDiscovery(event: DiscoveryEvent): void {
    const { type, error, ...detail } = event
    this.emit({ type, detail, ...(error ? { error: error as ZmqError } : {}) })
  }

  private endpointsChanged(): void {
    this.discoveryGlue?.refresh()
  }

  // ---- send / receive ----------------------------------------------------------------------

  protected sendMessage(message: unknown): Promise<void> {
    if (this.isClosed) return Promise.reject(zmqError("EBADF", "Socket is closed"))
    if (this.parkedSend.waiting) return Promise.reject(zmqError("EBUSY", "Socket is busy writing; only one send can wait at a time"))
    try {
      const frames = this.encodeOutgoing(message)
      if (this.xsend(frames)) return burstYield()
      const timeout = this.options.sendTimeout as number
      if (timeout === 0) return Promise.reject(zmqError("EAGAIN", "Socket is busy writing (no peer has room)"))
      const parked = this.parkedSend.park(frames, timeout, "send")
      this.updateKeepAlive()
      return parked
    } catch (error) {
      return Promise.reject(error)
    }
  }

  protected receiveMessage(): Promise<unknown> {
    if (this.isClosed) return Promise.reject(zmqError("EBADF", "Socket is closed"))
    if (this.parkedReceive.waiting) return Promise.reject(zmqError("EBUSY", "Socket is busy reading; only one receive can wait at a time"))
    const value = this.nextIncoming()
    if (value !== NOTHING) return Promise.resolve(value)
    const timeout = this.options.receiveTimeout as number
    if (timeout === 0) return Promise.reject(zmqError("EAGAIN", "No message available"))
    const parked = this.parkedReceive.park(undefined, timeout, "receive")
    this.updateKeepAlive()
    return parked
  }

  protected async *messages(): AsyncGenerator<unknown, void, undefined> {
    while (!this.isClosed) {
      try {
        yield await this.receiveMessage()
      } catch (error) {
        if (this.isClosed) return
        throw error
      }
    }
  }

  /** A received message (decoded when a codec is set), or NOTHING. */
  private nextIncoming(): unknown {
    for (let frames = this.xreceive(); frames; frames = this.xreceive()) {
      if (this.options.codec === null) return frames
      try {
        return this.decodeIncoming(frames)
      } catch (error) {
        // A peer's bad payload must not reject the caller: report it and read on.
        this.emit({ type: "codec:error", error: error as ZmqError })
      }
    }
    return NOTHING
  }

  private encodeOutgoing(message: unknown): Message {
    let frames: Message
    if (this.options.codec === null) {
      frames = toFrames(message as MessageInput)
    } else {
      const envelope = this.envelopeSize
      if (envelope === 0) frames = msgpackCodec.encode(message)
      else {
        if (!Array.isArray(message) || message.length !== envelope + 1) {
          throw new TypeError(`With a codec, send [${"routingId, ".repeat(envelope)}value]`)
        }
        frames = [...message.slice(0, envelope).map(toFrame), ...msgpackCodec.encode(message[envelope])]
      }
    }
    checkFrameSizes(frames, this.options.maxMessageSize as number)
    return frames
  }

  private decodeIncoming(frames: Message): unknown {
    const envelope = this.envelopeSize
    if (envelope === 0) return msgpackCodec.decode(frames)
    return [...frames.slice(0, envelope), msgpackCodec.decode(frames.slice(envelope))]
  }

  /** Subclasses call this when a parked send may now succeed. */
  protected wakeSender(): void {
    const frames = this.parkedSend.payload
    if (!frames || !this.parkedSend.waiting) return
    try {
      if (this.xsend(frames)) this.parkedSend.resolve()
    } catch (error) {
      this.parkedSend.reject(error as ZmqError)
    }
  }

  /** Subclasses call this when a message may be available. */
  protected wakeReceiver(): void {
    if (!this.parkedReceive.waiting) return
    const value = this.nextIncoming()
    if (value !== NOTHING) this.parkedReceive.resolve(value)
  }

  // ---- PipeOwner ---------------------------------------------------------------------------

  onPipeReadable(pipe: Pipe): void {
    this.xreadable(pipe)
    this.wakeReceiver()
  }

  onPipeWritable(pipe: Pipe): void {
    this.xwritable(pipe)
    this.extension?.writable?.(pipe)
    this.wakeSender()
  }

  onPipeDrained(_pipe: Pipe): void {
    if (this.lingering && !this.hasQueuedOutbound()) this.terminate()
  }

  onPipeCommand(pipe: Pipe, name: string, data: Buffer): void {
    this.xcommand(pipe, name, data)
    this.extension?.command?.(pipe, name, data)
  }

  // ---- ConnectionOwner ---------------------------------------------------------------------

  get localIdentity(): LocalIdentity {
    const routingId = this.options.routingId
    return {
      socketType: this.type,
      routingId: typeof routingId === "string" ? Buffer.from(routingId) : undefined,
      properties: this.extension ? [...this.readyProperties(), ...this.extension.properties] : this.readyProperties(),
    }
  }

  get receivesSubscriptions(): boolean {
    return this.type === "PUB" || this.type === "XPUB"
  }

  get pipesOnlyWhenConnected(): boolean {
    return this.options.immediate as boolean
  }

  reconnectPolicy(): { interval: number; maxInterval: number } {
    return { interval: this.options.reconnectInterval as number, maxInterval: this.options.reconnectMaxInterval as number }
  }

  engineOptions(address: string): EngineOptions {
    const o = this.options
    return {
      local: this.localIdentity,
      handshakeInterval: o.handshakeInterval as number,
      heartbeatInterval: o.heartbeatInterval as number,
      heartbeatTimeout: o.heartbeatTimeout as number,
      heartbeatTimeToLive: o.heartbeatTimeToLive as number,
      maxMessageSize: o.maxMessageSize as number,
      receivesSubscriptions: this.receivesSubscriptions,
      address,
    }
  }

  createPipe(endpoint: string): Pipe {
    return new Pipe(this, this.options.sendHighWaterMark as number, this.options.receiveHighWaterMark as number, endpoint)
  }

  attachPipe(pipe: Pipe): boolean {
    if (this.isClosed && !this.lingering) return false
    if (!this.xattach(pipe)) return false
    this.pipes.add(pipe)
    this.extension?.attached?.(pipe)
    this.wakeSender()
    return true
  }

  pipeConnected(pipe: Pipe): boolean {
    if (this.xconnected(pipe) && this.extension?.connected?.(pipe) !== false) {
      this.wakeSender()
      return true
    }
    pipe.engine?.close()
    return false
  }

  pipeDisconnected(pipe: Pipe): void {
    this.xdisconnected(pipe)
    this.extension?.disconnected?.(pipe)
  }

  detachPipe(pipe: Pipe): void {
    if (!this.pipes.delete(pipe)) return
    this.xdetach(pipe)
    this.extension?.detached?.(pipe)
    if (this.lingering && !this.hasQueuedOutbound()) this.terminate()
  }

  emit(event: SocketEvent): void {
    this.events.emit(event)
  }

  // ---- close and linger --------------------------------------------------------------------

  /** Closes the socket. Queued outbound messages get `linger` ms (-1: until sent) to leave. */
  close(): void {
    if (this.isClosed) return
    this.isClosed = true
    const cancelled = zmqError("EAGAIN", "Socket was closed")
    this.parkedSend.reject(cancelled)
    this.parkedReceive.reject(cancelled)
    this.closing()
    const linger = this.options.linger as number
    if (linger === 0 || !this.hasQueuedOutbound()) return this.terminate()
    this.lingering = true
    for (const listener of this.listeners) listener.stopAccepting()
    if (linger > 0) this.lingerTimer = setTimeout(() => this.terminate(), linger)
    this.updateKeepAlive()
  }

  /** Extensions stop here (discovery withdraws; subclasses extend for their own state). */
  protected closing(): void {
    void this.discoveryGlue?.stop()
    this.extension?.closing?.()
  }

  private hasQueuedOutbound(): boolean {
    for (const pipe of this.pipes) if (pipe.outbound.length > 0) return true
    return false
  }

  private terminate(): void {
    clearTimeout(this.lingerTimer)
    this.lingering = false
    // What a live connection can take right now still leaves, even with linger 0: libzmq's I/O
    // thread would already have written it, and "send(); close()" must not lose the reply.
    for (const pipe of this.pipes) pipe.engine?.flush()
    // Connections end gracefully (what was written is delivered, bounded by the engine's close
    // timer); what is still queued in pipes is dropped.
    for (const list of this.dialers.values()) for (const dialer of list) dialer.stop(true)
    this.dialers.clear()
    this.foundDialers.clear()
    for (const listener of this.listeners.splice(0)) listener.close(true)
    for (const pipe of [...this.pipes]) this.detachPipe(pipe)
    this.updateKeepAlive()
    this.events.end()
  }

  /** Holds the process open only while something is pending (a parked call, lingering). */
  private updateKeepAlive(): void {
    const needed = this.parkedSend.waiting || this.parkedReceive.waiting || this.lingering || this.peerWaiters > 0
    if (needed) (this.keepAlive ??= setInterval(noop, 1 << 30)).ref()
    else if (this.keepAlive) this.keepAlive.unref()
    if (this.isClosed && !needed && this.keepAlive) {
      clearInterval(this.keepAlive)
      this.keepAlive = undefined
    }
  }

  protected assertOpen(): void {
    if (this.isClosed) throw zmqError("EBADF", "Socket is closed")
  }
}

const NOTHING = Symbol("nothing")

// Every option of the table is a property too (`sock.linger = 0`), validated like the
// constructor's; socket types declare the ones they have through interface merging.
for (const name of Object.keys(OPTION_TABLE) as OptionName[]) {
  Object.defineProperty(SocketBase.prototype, name, {
    configurable: true,
    enumerable: true,
    get(this: SocketBase) {
      return (this as unknown as { options: OptionValues }).options[name]
    },
    set(this: SocketBase, value: unknown) {
      if (!hasOption(this.type, name)) throw new TypeError(`Unknown option ${name} for a ${this.type} socket`)
      ;(this as unknown as { options: OptionValues }).options[name] = validateOption(name, value)
    },
  })
}

function noop(): void {}
