// The socket core every pattern shares: options, endpoints (bind/connect), the single parked
// send and receive, linger and close, events. Socket types plug in through the x* hooks and
// never touch bytes; this file never routes messages itself.
import type { EngineOptions } from "../engine/engine-host.js"
import { zmqError, type ZmqError } from "../errors.js"
import { SocketEvents, type SocketEvent } from "../events.js"
import { decodeFromWire, encodeForWire, type CodecName } from "../codec/message-codec.js"
import type { SocketExtension } from "../pipe/extension.js"
import { Pipe, type Message, type PipeOwner } from "../pipe/pipe.js"
import { parseEndpoint } from "../transport/endpoint.js"
import { immediateSend } from "../util/burst.js"
import { KeepAlive } from "../util/keep-alive.js"
import type { SocketType } from "../zmtp/compat.js"
import type { PropertyList } from "../zmtp/metadata.js"
import type { LocalIdentity } from "../zmtp/ready.js"
import type { AdvertiseOptions, DiscoveryConfig } from "../discovery/index.js"
import type { ConnectionOwner } from "../session/connection-owner.js"
import type { BindOptions } from "../session/ws-session.js"
import type { WsSettings } from "../transport/ws-link.js"
import { SocketEndpoints } from "../session/endpoints.js"
import { CONFLATED_QUEUES, defaultOptions, hasOption, installOptionAccessors, validateOption, type OptionValues } from "./options.js"
import { securityFromOptions } from "./security-options.js"
import { Linger } from "./linger.js"
import { Parked } from "./parked.js"
import { waitForPeers } from "./peer-wait.js"
import { SocketDiscovery } from "./socket-discovery.js"

export interface ConnectOptions {
  /** Router only: the routing id the peer at this endpoint gets (ZMQ_CONNECT_ROUTING_ID). */
  routingId?: string
  /** mdns:// only: how the name is resolved (mDNS by default; static seeds or DNS SRV). */
  discovery?: DiscoveryConfig
}

export abstract class SocketBase implements PipeOwner, ConnectionOwner {
  readonly events = new SocketEvents()
  /** The endpoint of the last successful bind, resolved (ephemeral port filled in). */
  lastEndpoint: string | null = null
  protected readonly options: OptionValues
  protected readonly pipes = new Set<Pipe>()
  private readonly endpoints = new SocketEndpoints(this)
  private readonly parkedSend = new Parked<void, Message>(() => this.updateKeepAlive())
  private readonly parkedReceive = new Parked<unknown>(() => this.updateKeepAlive())
  private readonly keepAlive = new KeepAlive()
  private isClosed = false
  /** close() was called while a bind/unbind was in flight. */
  private closeRequested = false
  private readonly lingering: Linger
  private discoveryGlue: SocketDiscovery | undefined
  private peerWaiters = 0
  /** Set by a socket type's constructor to plug an extension in (see SocketExtension). */
  protected extension: SocketExtension | undefined

  protected constructor(readonly type: SocketType, options: object = {}) {
    this.lingering = new Linger({ type, pipes: this.pipes, terminate: () => this.terminate() })
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

  /** `options.server`: a ws/wss bind attaches to this Node http(s).Server instead of listening. */
  async bind(address: string, options: BindOptions = {}): Promise<void> {
    this.assertOpen()
    this.assertSecurity()
    try {
      this.lastEndpoint = await this.endpoints.bind(address, options)
    } finally {
      this.closeIfRequested()
    }
    this.discoveryGlue?.refresh()
  }

  async unbind(address: string): Promise<void> {
    this.assertOpen()
    try {
      await this.endpoints.unbind(address)
    } finally {
      this.closeIfRequested()
    }
    this.discoveryGlue?.refresh()
  }

  connect(address: string, options: ConnectOptions = {}): void {
    this.assertOpen()
    this.assertSecurity()
    if (address.startsWith("mdns://")) {
      const { name } = parseEndpoint(address, false) as { name: string }
      const discovery = (options.discovery ?? this.options.discovery) as DiscoveryConfig | null
      return this.discoveryGlueOf().browse(name, discovery ? { discovery } : {})
    }
    if (options.routingId !== undefined && this.type !== "ROUTER") {
      throw zmqError("EINVAL", "connect() routingId is for Router sockets")
    }
    const routingId = options.routingId === undefined ? undefined : Buffer.from(validateOption("routingId", options.routingId) as string)
    this.endpoints.connect(address, routingId)
  }

  disconnect(address: string): void {
    this.assertOpen()
    if (address.startsWith("mdns://")) return this.discoveryGlueOf().unbrowse(address.slice(7))
    this.endpoints.disconnect(address)
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
    return waitForPeers(this, count, options.timeout, (delta) => {
      this.peerWaiters += delta
      this.updateKeepAlive()
    })
  }

  /** Resolved endpoints this socket is bound to. */
  boundEndpoints(): string[] {
    return this.endpoints.bound()
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

  private discoveryGlueOf(): SocketDiscovery {
    return (this.discoveryGlue ??= new SocketDiscovery({
      type: this.type,
      closed: () => this.isClosed,
      boundEndpoints: () => this.boundEndpoints(),
      extensions: () => ({
        ...(this.options.codec !== null ? { codec: String(this.options.codec) } : {}),
        ...(this.options.reliable ? { reliable: "1" } : {}),
      }),
      endpoints: this.endpoints,
      emit: (event) => this.emit(event),
    }))
  }

  // ---- send / receive ----------------------------------------------------------------------

  protected sendMessage(message: unknown): Promise<void> {
    if (this.isClosed) return Promise.reject(zmqError("EBADF", "Socket is closed"))
    // Thrown, not rejected, as zeromq.js does: a second concurrent send is a programming error.
    if (this.parkedSend.waiting) throw zmqError("EBUSY", "Socket is busy writing; only one send operation may be in progress at any time")
    try {
      const frames = encodeForWire(message, this.options.codec as CodecName, this.envelopeSize, this.options.maxMessageSize as number)
      if (this.xsend(frames)) return immediateSend()
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
    if (this.parkedReceive.waiting) throw zmqError("EBUSY", "Socket is busy reading; only one receive operation may be in progress at any time")
    const value = this.nextIncoming()
    if (value !== NOTHING) return Promise.resolve(value)
    const timeout = this.options.receiveTimeout as number
    if (timeout === 0) return Promise.reject(zmqError("EAGAIN", "No message available"))
    const parked = this.parkedReceive.park(undefined, timeout, "receive")
    this.updateKeepAlive()
    return parked
  }

  /**
   * Async iteration: yields until the socket closes. `receive` defaults to the plain receive;
   * Request/Reply pass their own so that iterating out of turn rejects with EFSM, not hangs.
   */
  protected async *messages(receive: () => Promise<unknown> = () => this.receiveMessage()): AsyncGenerator<unknown, void, undefined> {
    while (!this.isClosed) {
      try {
        yield await receive()
      } catch (error) {
        // Closing ends the iteration; any other failure (EFSM...) still reaches the caller.
        if (this.isClosed && isCloseError(error)) return
        throw error
      }
    }
  }

  /** A received message (decoded when a codec is set), or NOTHING. */
  private nextIncoming(): unknown {
    for (let frames = this.xreceive(); frames; frames = this.xreceive()) {
      try {
        return decodeFromWire(frames, this.options.codec as CodecName, this.envelopeSize)
      } catch (error) {
        // A peer's bad payload must not reject the caller: report it and read on.
        this.emit({ type: "codec:error", error: error as ZmqError })
      }
    }
    return NOTHING
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
    this.lingering.check()
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
      security: securityFromOptions(o),
    }
  }

  wsSettings(): WsSettings {
    const o = this.options
    const text = (value: unknown) => (typeof value === "string" ? value : undefined)
    return {
      tls: {
        keyPem: text(o.wssKeyPem), certPem: text(o.wssCertPem), trustPem: text(o.wssTrustPem),
        hostname: text(o.wssHostname), trustSystem: o.wssTrustSystem !== false,
      },
      // The WebSocket layer refuses a message over the limit before buffering it all.
      maxPayload: (o.maxMessageSize as number) >= 0 ? (o.maxMessageSize as number) + 64 : 0, // flag octet and CURVE box overhead
    }
  }

  createPipe(endpoint: string): Pipe {
    const conflate = this.options.conflate === true ? CONFLATED_QUEUES[this.type] : undefined
    return new Pipe(this, this.options.sendHighWaterMark as number, this.options.receiveHighWaterMark as number, endpoint, conflate)
  }

  attachPipe(pipe: Pipe): boolean {
    if (this.isClosed && !this.lingering.active) return false
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
    this.lingering.check()
  }

  emit(event: SocketEvent): void {
    this.events.emit(event)
  }

  // ---- close and linger --------------------------------------------------------------------

  /** Closes the socket. Queued outbound messages get `linger` ms (-1: until sent) to leave. */
  close(): void {
    if (this.isClosed) return
    // zeromq.js: a close() during bind/unbind takes effect once that operation has settled.
    if (this.endpoints.busy) {
      this.closeRequested = true
      return
    }
    this.isClosed = true
    const cancelled = zmqError("EAGAIN", "Socket was closed")
    this.parkedSend.reject(cancelled)
    this.parkedReceive.reject(cancelled)
    this.closing()
    if (!this.lingering.start(this.options.linger as number)) return this.terminate()
    this.endpoints.stopAccepting()
    this.updateKeepAlive()
  }

  private closeIfRequested(): void {
    if (this.closeRequested && !this.endpoints.busy) this.close()
  }

  /** Extensions stop here (discovery withdraws; subclasses extend for their own state). */
  protected closing(): void {
    void this.discoveryGlue?.stop()
    this.extension?.closing?.()
  }

  private terminate(): void {
    this.lingering.stop()
    // What a live connection can take right now still leaves, even with linger 0: libzmq's I/O
    // thread would already have written it, and "send(); close()" must not lose the reply.
    for (const pipe of this.pipes) pipe.engine?.flush()
    // Connections end gracefully (what was written is delivered, bounded by the engine's close
    // timer); what is still queued in pipes is dropped.
    this.endpoints.close()
    for (const pipe of [...this.pipes]) this.detachPipe(pipe)
    this.updateKeepAlive()
    this.events.end()
  }

  /** Holds the process open only while something is pending (a parked call, lingering). */
  private updateKeepAlive(): void {
    const needed = this.parkedSend.waiting || this.parkedReceive.waiting || this.lingering.active || this.peerWaiters > 0
    this.keepAlive.update(needed, this.isClosed)
  }

  protected assertOpen(): void {
    if (this.isClosed) throw zmqError("EBADF", "Socket is closed")
  }

  /** Security options that cannot work are refused here, before any connection is made. */
  private assertSecurity(): void {
    const security = securityFromOptions(this.options)
    if (security.mechanism === "INVALID") throw security.error
  }
}

const NOTHING = Symbol("nothing")

/** The errors a pending receive gets when the socket closes under it. */
function isCloseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === "EAGAIN" || code === "EBADF"
}

installOptionAccessors(
  SocketBase.prototype,
  (socket) => (socket as unknown as { options: OptionValues }).options,
  (socket) => (socket as SocketBase).type,
)

