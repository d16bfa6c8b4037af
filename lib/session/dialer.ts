// One connect()ed endpoint: dials, hands the connection to an engine, and reconnects with
// libzmq's back-off. Its pipe is created at connect time and survives reconnects (RFC 28/30:
// the queue exists "whether or not the connection is established"), unless `immediate`.
// A protocol error (bad greeting, incompatible type, ERROR from the peer) stops reconnecting.
import type { Socket as NetSocket } from "node:net"
import { zmqError, type ZmqError } from "../errors.js"
import type { EngineClose, EngineHost, HostedEngine } from "../engine/engine-host.js"
import { createStreamEngine } from "./stream-engines.js"
import type { PeerInfo, Pipe } from "../pipe/pipe.js"
import type { Endpoint } from "../transport/endpoint.js"
import { awaitInprocBind, linkToAcceptor, lookupInproc, type InprocAcceptor } from "../engine/inproc-engine.js"
import { ReadHook } from "../transport/read-hook.js"
import { dialStream, streamEnds, type StreamEndpoint } from "../transport/stream-transport.js"
import { Backoff } from "../util/backoff.js"
import { isCompatible } from "../zmtp/compat.js"
import { handshakeFailure, peerFields, type ConnectionOwner } from "./connection-owner.js"
import { dialWsEngine, isWs, type WsEndpoint } from "./ws-session.js"

export class Dialer implements EngineHost {
  private pipe: Pipe | undefined
  private engine: HostedEngine | undefined
  private stream: NetSocket | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private cancelInprocWait: (() => void) | undefined
  private cancelWsDial: (() => void) | undefined
  private stopped = false
  private readonly backoff: Backoff

  constructor(
    private readonly owner: ConnectionOwner,
    readonly endpoint: Exclude<Endpoint, { transport: "mdns" | "udp" }>,
    private readonly routingId: Buffer | undefined,
  ) {
    const policy = owner.settings.reconnectPolicy()
    this.backoff = new Backoff(policy.interval, policy.maxInterval)
  }

  get address(): string {
    return this.endpoint.address
  }

  start(): void {
    if (!this.owner.settings.pipesOnlyWhenConnected && !this.ensurePipe()) return
    this.dial()
  }

  /** Stops for good: no more attempts; the pipe and its queued messages go away. */
  stop(graceful = false): void {
    if (this.stopped) return
    this.stopped = true
    clearTimeout(this.retryTimer)
    this.cancelInprocWait?.()
    this.cancelWsDial?.()
    this.stream?.destroy()
    this.engine?.close(graceful)
    // An inproc link ends here too, while the pipe is still ours: that reports the disconnect.
    if (this.endpoint.transport === "inproc") this.pipe?.engine?.close()
    this.dropPipe()
  }

  /** The pipe, for lingering: messages still queued there. */
  get queuedPipe(): Pipe | undefined {
    return this.pipe
  }

  private ensurePipe(): boolean {
    if (this.pipe) return true
    const pipe = this.owner.createPipe(this.address)
    pipe.routingId = this.routingId
    if (!this.owner.attachPipe(pipe)) {
      pipe.terminate()
      this.stop()
      return false
    }
    this.pipe = pipe
    return true
  }

  private dropPipe(): void {
    const pipe = this.pipe
    this.pipe = undefined
    if (!pipe) return
    this.owner.detachPipe(pipe)
    pipe.terminate()
  }

  private dial(): void {
    if (this.stopped) return
    if (this.endpoint.transport === "inproc") return this.dialInproc(this.endpoint.name)
    if (isWs(this.endpoint)) return this.dialWs(this.endpoint)
    // The engine is created on 'connect', but reads are routed when dialing: the hook forwards
    // them to the engine once it exists (no data can arrive before 'connect').
    const reads = new ReadHook()
    const stream = dialStream(this.endpoint as StreamEndpoint, reads)
    this.stream = stream
    this.owner.emit({ type: "connect:delay", address: this.address })
    const onError = (error: Error) => {
      if (this.stream === stream) this.stream = undefined
      this.scheduleRetry(zmqError("ECONNREFUSED", (error as { detail?: string }).detail ?? error.message, { address: this.address, cause: error }))
    }
    stream.once("error", onError)
    stream.once("connect", () => {
      stream.off("error", onError)
      this.stream = undefined
      if (this.stopped) return void stream.destroy()
      const ends = streamEnds(stream)
      this.owner.emit({ type: "connect", address: this.address, ...ends })
      const settings = this.owner.settings
      this.engine = createStreamEngine(settings, stream, this, settings.engineOptions(ends?.remote ?? this.address, ends?.local), reads)
    })
  }

  private dialWs(endpoint: WsEndpoint): void {
    this.owner.emit({ type: "connect:delay", address: this.address })
    this.cancelWsDial = dialWsEngine(this.owner, endpoint, this, (engine) => {
      this.cancelWsDial = undefined
      if (this.stopped) return engine.close()
      this.owner.emit({ type: "connect", address: this.address })
      this.engine = engine
    }, (error) => {
      this.cancelWsDial = undefined
      this.scheduleRetry(error)
    })
  }

  onEngineReady(engine: HostedEngine, peer: PeerInfo): void {
    if (this.stopped || !this.ensurePipe()) return
    engine.attach(this.pipe!, peer)
    if (!this.owner.pipeConnected(this.pipe!)) return
    this.backoff.reset()
    this.owner.emit({ type: "handshake", address: this.address, ...peerFields(this.pipe) })
  }

  onEngineClosed(engine: HostedEngine, close: EngineClose): void {
    if (this.engine === engine) this.engine = undefined
    this.connectionEnded(close)
  }

  private connectionEnded(close: EngineClose): void {
    this.reportEnded(close)
    if (this.stopped || close.kind === "local") return
    if (close.kind === "protocol") return this.stop() // libzmq: a protocol error ends the session
    this.scheduleRetry(close.error)
  }

  /** Tells the owner and the application that the connection ended (or never got up). */
  private reportEnded(close: EngineClose): void {
    if (close.handshaken && this.pipe) {
      this.owner.pipeDisconnected(this.pipe)
      this.owner.emit({ type: "disconnect", address: this.address, ...peerFields(this.pipe), ...(close.error ? { error: close.error } : {}) })
    } else {
      const failure = handshakeFailure(close, this.address)
      if (failure) this.owner.emit(failure)
    }
    if (this.owner.settings.pipesOnlyWhenConnected) this.dropPipe()
  }

  private scheduleRetry(error?: ZmqError): void {
    if (this.stopped) return
    const interval = this.backoff.next()
    if (interval < 0) return this.stop()
    this.owner.emit({ type: "connect:retry", address: this.address, interval, ...(error ? { error } : {}) })
    this.retryTimer = setTimeout(() => this.dial(), interval).unref()
  }

  // ---- inproc ------------------------------------------------------------------------------

  private dialInproc(name: string): void {
    const acceptor = lookupInproc(name)
    if (!acceptor) {
      this.cancelInprocWait = awaitInprocBind(name, () => this.dial())
      return
    }
    const local = this.owner.settings.localIdentity
    if (!isCompatible(local.socketType, acceptor.local.socketType)) {
      const error = zmqError("ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE", `a ${local.socketType} socket cannot talk to a ${acceptor.local.socketType} peer`)
      this.owner.emit({ type: "handshake:error:protocol", address: this.address, error })
      return this.stop()
    }
    if (!this.ensurePipe()) return
    const pipe = this.pipe!
    const linked = linkToAcceptor(acceptor, {
      pipe, local, address: this.address,
      receivesSubscriptions: this.owner.settings.receivesSubscriptions,
      onClosed: () => this.inprocClosed(acceptor),
    })
    if (!linked) return this.stop()
    this.owner.emit({ type: "connect", address: this.address, ...peerFields(pipe) })
    if (this.owner.pipeConnected(pipe)) this.owner.emit({ type: "handshake", address: this.address, ...peerFields(pipe) })
  }

  private inprocClosed(acceptor: InprocAcceptor): void {
    this.reportEnded({ kind: "closed", handshaken: true })
    // Re-link only to a new bind of the name (or wait for one); the same binder dropping us
    // while still bound means it refused us.
    if (!this.stopped && lookupInproc((this.endpoint as { name: string }).name) !== acceptor) this.dial()
  }
}
