// The socket core every pattern shares: options, endpoints (bind/connect, through the session
// floor), the message edge (message-flow.ts), linger and close, events. Socket types plug in
// through the x* hooks and never touch bytes; this file never routes messages itself.
import { zmqError } from "../errors.js"
import { SocketEvents, type SocketEvent } from "../events.js"
import type { SocketExtension } from "../pipe/extension.js"
import { Pipe, type PipeOwner } from "../pipe/pipe.js"
import { Counters } from "../util/counters.js"
import { KeepAlive } from "../util/keep-alive.js"
import type { SocketType } from "../zmtp/compat.js"
import type { AdvertiseOptions } from "../discovery/index.js"
import type { ConnectionOwner } from "../session/connection-owner.js"
import type { BindOptions } from "../session/ws-session.js"
import { SocketEndpoints } from "../session/endpoints.js"
import { CONFLATED_QUEUES, OPTION_TABLE, defaultOptions, installOptionAccessors, type OptionName, type OptionValues } from "./options.js"
import { applyConstructorOptions, installZmqjsCompat, releaseContext } from "./zmqjs-compat.js"
import { installLiveOptions } from "./live-options.js"
import { ConnectionConfig, connectRoutingId, type ConnectOptions } from "./connection-config.js"
import { Linger } from "./linger.js"
import { MessageFlow } from "./message-flow.js"
import { connectedCount, waitForPeers } from "./peer-wait.js"
import { SocketDiscovery } from "./socket-discovery.js"
import { SocketHooks } from "./socket-hooks.js"
import { collectStats, countEvent, type SocketStats } from "./stats.js"

export type { ConnectOptions }

export abstract class SocketBase extends SocketHooks implements PipeOwner, ConnectionOwner {
  readonly events = new SocketEvents()
  /** The endpoint of the last successful bind, resolved (ephemeral port filled in). */
  lastEndpoint: string | null = null
  protected readonly options: OptionValues
  protected readonly pipes = new Set<Pipe>()
  readonly counters = new Counters(this) // stats(); shared with the strategies that drop (internal)
  private readonly endpoints = new SocketEndpoints(this)
  private readonly flow: MessageFlow
  private readonly keepAlive = new KeepAlive()
  private isClosed = false
  private closeRequested = false // close() was called while a bind/unbind was in flight
  private readonly lingering: Linger
  private discoveryGlue: SocketDiscovery | undefined
  /** How this socket's connections are made (ConnectionOwner; internal). */
  readonly settings: ConnectionConfig
  private peerWaiters = 0
  /** Set by a socket type's constructor to plug an extension in (see SocketExtension). */
  protected extension: SocketExtension | undefined

  protected constructor(readonly type: SocketType, options: object = {}) {
    super()
    this.lingering = new Linger({ type, pipes: this.pipes, terminate: () => this.terminate() })
    this.options = defaultOptions(type)
    const self = this
    this.flow = new MessageFlow({
      get closed() { return self.isClosed },
      get envelopeSize() { return self.envelopeSize },
      trySend: (message) => this.xsend(message),
      tryReceive: () => this.xreceive(),
      receivedFrom: () => this.xreceivedFrom,
      codecError: (error) => this.emit({ type: "codec:error", error }),
      parkingChanged: () => this.updateKeepAlive(),
    }, this.options, this.counters)
    this.settings = new ConnectionConfig(type, this.options, () =>
      this.extension ? [...this.readyProperties(), ...this.extension.properties] : this.readyProperties())
    applyConstructorOptions(this, this.options, options)
  }

  get closed(): boolean { return this.isClosed }

  /** Options set after connect: the high-water marks apply to existing pipes (live-options.ts). */
  applyHighWaterMarks(): void {
    for (const pipe of this.pipes) pipe.setHighWaterMarks(this.options.sendHighWaterMark, this.options.receiveHighWaterMark)
    this.wakeSender()
  }

  /** Bound, connected, or a bind/unbind in flight (options set now warn; internal). */
  get endpointsInUse(): boolean { return this.endpoints.inUse }

  /** A receive() now would resolve at once. */
  get readable(): boolean { return !this.isClosed && this.xhasIn }

  /** A send() now would be queued at once. */
  get writable(): boolean { return !this.isClosed && this.xhasOut }

  // ---- endpoints ---------------------------------------------------------------------------

  /** `options.server`: a ws/wss bind attaches to this Node http(s).Server instead of listening. */
  async bind(address: string, options: BindOptions = {}): Promise<void> {
    this.assertOpen()
    this.settings.assertSecurity()
    this.lastEndpoint = await this.settled(this.endpoints.bind(address, options))
    this.discoveryGlue?.refresh()
  }

  async unbind(address: string): Promise<void> {
    this.assertOpen()
    await this.settled(this.endpoints.unbind(address))
    this.discoveryGlue?.refresh()
  }

  connect(address: string, options: ConnectOptions = {}): void {
    this.assertOpen()
    this.settings.assertSecurity()
    if (address.startsWith("mdns://")) return this.mdns.browse(address, options.discovery, options.interface)
    this.endpoints.connect(address, connectRoutingId(this.type, options.routingId))
  }

  disconnect(address: string): void {
    this.assertOpen()
    if (address.startsWith("mdns://")) return this.mdns.unbrowse(address)
    this.endpoints.disconnect(address)
  }

  /** Peers whose handshake has completed and whose connection is live. */
  get peerCount(): number { return connectedCount(this.pipes) }

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

  /** Counters and peers, synchronously (README "Statistics and tracing"); cheap, no I/O. */
  stats(): SocketStats { return collectStats(this.counters, this.pipes) }

  /** Resolved endpoints this socket is bound to. */
  boundEndpoints(): string[] { return this.endpoints.bound() }

  // ---- discovery (extension) ----------------------------------------------------------------

  /**
   * Announces this socket's bound endpoints under `name` over mDNS/DNS-SD (re-announced after
   * every bind/unbind, withdrawn on close). Peers find it with connect("mdns://name").
   */
  advertise(name: string, options: AdvertiseOptions = {}): void {
    this.assertOpen()
    this.mdns.advertise(name, options)
  }

  /** Withdraws an advertisement (goodbye packets), resolving once sent. */
  unadvertise(name: string): Promise<void> {
    return this.mdns.unadvertise(name)
  }

  private get mdns(): SocketDiscovery { return (this.discoveryGlue ??= new SocketDiscovery(this, this.endpoints, this.options)) }
  // ---- send / receive ----------------------------------------------------------------------

  protected sendMessage(message: unknown): Promise<void> { return this.flow.send(message) }

  protected receiveMessage(): Promise<unknown> { return this.flow.receive() }

  /** Async iteration until close; Request/Reply pass their own `receive` (out of turn: EFSM). */
  protected messages(receive: () => Promise<unknown> = () => this.receiveMessage()): AsyncGenerator<unknown, void, undefined> {
    return this.flow.messages(receive)
  }

  /** Subclasses call this when a parked send may now succeed. */
  protected wakeSender(): void { this.flow.wakeSender() }

  /** Subclasses call this when a message may be available. */
  protected wakeReceiver(): void { this.flow.wakeReceiver() }

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

  createPipe(endpoint: string): Pipe {
    const conflate = this.options.conflate === true ? CONFLATED_QUEUES[this.type] : undefined
    return new Pipe(this, this.options.sendHighWaterMark, this.options.receiveHighWaterMark, endpoint, conflate)
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

  emit(event: SocketEvent): void { countEvent(this.counters, event); this.events.emit(event) }

  // ---- close and linger --------------------------------------------------------------------

  /** Closes the socket. Queued outbound messages get `linger` ms (-1: until sent) to leave. */
  close(): void {
    if (this.isClosed) return
    // zeromq.js: a close() during bind/unbind takes effect once that operation has settled.
    if (this.endpoints.busy) return void (this.closeRequested = true)
    this.isClosed = true
    releaseContext(this)
    this.flow.cancel(() => zmqError("EAGAIN", "Socket was closed"))
    this.closing()
    if (!this.lingering.start(this.options.linger)) return this.terminate()
    this.endpoints.stopAccepting()
    this.updateKeepAlive()
  }

  /** A bind/unbind in flight; a close() requested meanwhile happens once it settled (zeromq.js). */
  private async settled<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation
    } finally {
      if (this.closeRequested && !this.endpoints.busy) this.close()
    }
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
    const needed = this.flow.waiting || this.lingering.active || this.peerWaiters > 0
    this.keepAlive.update(needed, this.isClosed)
  }

  protected assertOpen(): void {
    if (this.isClosed) throw zmqError("EBADF", "Socket is closed")
  }
}

installOptionAccessors(
  SocketBase.prototype,
  (socket) => (socket as unknown as { options: OptionValues }).options,
  (socket) => (socket as SocketBase).type,
)
installLiveOptions(SocketBase.prototype)
installZmqjsCompat(SocketBase.prototype, Object.keys(OPTION_TABLE) as OptionName[])
