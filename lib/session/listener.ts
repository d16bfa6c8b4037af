// One bound endpoint: accepts connections (tcp/ipc) or inproc links, and gives each handshaken
// connection its own pipe, which lives exactly as long as that connection. unbind()/close()
// stop accepting and end the connections accepted here (libzmq terminates them too).
import type { Socket as NetSocket } from "node:net"
import type { ZmqError } from "../errors.js"
import type { EngineClose, EngineHost, HostedEngine } from "../engine/engine-host.js"
import type { LocalIdentity } from "../zmtp/ready.js"
import type { PeerInfo, Pipe } from "../pipe/pipe.js"
import type { Endpoint } from "../transport/endpoint.js"
import { bindInproc, unbindInproc, type InprocAcceptor } from "../engine/inproc-engine.js"
import type { ReadHook } from "../transport/read-hook.js"
import { listenStream, type AcceptedEnds, type StreamEndpoint, type StreamListener } from "../transport/stream-transport.js"
import { handshakeFailure, peerFields, type ConnectionOwner } from "./connection-owner.js"
import { createStreamEngine } from "./stream-engines.js"
import { acceptWsEngine, isWs, listenWsEngines, type BindOptions } from "./ws-session.js"
import type { WsLink } from "../transport/ws-link.js"

export class Listener implements EngineHost, InprocAcceptor {
  private streamListener: StreamListener | undefined
  private readonly engines = new Map<HostedEngine, Pipe | undefined>()
  private readonly inprocPipes = new Set<Pipe>()
  private closed = false
  /** The resolved endpoint (lastEndpoint). */
  endpoint: string

  private constructor(private readonly owner: ConnectionOwner, readonly requested: Endpoint) {
    this.endpoint = requested.address
  }

  static async open(owner: ConnectionOwner, endpoint: Exclude<Endpoint, { transport: "mdns" | "udp" }>, bind: BindOptions = {}): Promise<Listener> {
    const listener = new Listener(owner, endpoint)
    if (endpoint.transport === "inproc") {
      bindInproc(endpoint.name, listener)
    } else if (isWs(endpoint)) {
      listener.streamListener = await listenWsEngines(owner, endpoint, bind, (link, remote) => listener.acceptWs(link, remote))
      listener.endpoint = listener.streamListener.endpoint
    } else {
      listener.streamListener = await listenStream(endpoint as StreamEndpoint, (stream, ends, reads) => listener.accept(stream, ends, reads))
      listener.endpoint = listener.streamListener.endpoint
    }
    return listener
  }

  get local(): LocalIdentity {
    return this.owner.settings.localIdentity
  }

  get receivesSubscriptions(): boolean {
    return this.owner.settings.receivesSubscriptions
  }

  /** Pipes of live connections (lingering looks at what they still queue). */
  pipes(): Pipe[] {
    const pipes = [...this.inprocPipes]
    for (const pipe of this.engines.values()) if (pipe) pipes.push(pipe)
    return pipes
  }

  /** No new connections; existing ones stay (lingering). */
  stopAccepting(): void {
    if (this.closed) return
    this.closed = true
    if (this.requested.transport === "inproc") unbindInproc(this.requested.name, this)
    this.streamListener?.close()
    // inproc has no listener to report on: libzmq (and so zeromq.js) emits no bind, accept or
    // close for it. Its connections still get handshake/disconnect (README "Events").
    if (this.requested.transport !== "inproc") this.owner.emit({ type: "close", address: this.endpoint })
  }

  /** Stops accepting and ends every connection accepted here. */
  close(graceful = false): void {
    this.stopAccepting()
    for (const engine of [...this.engines.keys()]) engine.close(graceful)
    for (const pipe of [...this.inprocPipes]) pipe.engine?.close()
  }

  private accept(stream: NetSocket, ends: AcceptedEnds, reads: ReadHook | undefined): void {
    if (this.closed) return void stream.destroy()
    const remote = ends.remote
    const local = ends.local ?? this.endpoint // ipc: the bound path
    this.owner.emit({ type: "accept", address: this.endpoint, remote, local })
    const settings = this.owner.settings
    const engine = createStreamEngine(settings, stream, this, settings.engineOptions(remote, local), reads)
    this.engines.set(engine, undefined)
  }

  private acceptWs(link: WsLink, remote: string): void {
    if (this.closed) return link.terminate()
    this.owner.emit({ type: "accept", address: this.endpoint, remote })
    this.engines.set(acceptWsEngine(this.owner, link, remote, this), undefined)
  }

  onEngineReady(engine: HostedEngine, peer: PeerInfo): void {
    const pipe = this.owner.createPipe(this.endpoint)
    if (!this.owner.attachPipe(pipe)) return pipe.terminate()
    this.engines.set(engine, pipe)
    engine.attach(pipe, peer)
    if (!this.owner.pipeConnected(pipe)) return
    this.owner.emit({ type: "handshake", address: this.endpoint, ...peerFields(pipe) })
  }

  onEngineClosed(engine: HostedEngine, close: EngineClose): void {
    const pipe = this.engines.get(engine)
    this.engines.delete(engine)
    if (pipe) {
      this.release(pipe, close.error)
    } else {
      const failure = handshakeFailure(close, this.endpoint)
      if (failure) this.owner.emit(failure)
      // libzmq (stream_engine error()) reports every accepted connection's end, handshaken or not.
      this.owner.emit({ type: "disconnect", address: this.endpoint, ...(close.error ? { error: close.error } : {}) })
    }
  }

  acceptInproc(peer: PeerInfo, address: string): Pipe | undefined {
    if (this.closed) return undefined
    const pipe = this.owner.createPipe(address)
    if (!this.owner.attachPipe(pipe)) {
      pipe.terminate()
      return undefined
    }
    this.inprocPipes.add(pipe)
    return pipe
  }

  inprocLinked(pipe: Pipe): void {
    if (this.owner.pipeConnected(pipe)) this.owner.emit({ type: "handshake", address: pipe.endpoint, ...peerFields(pipe) })
  }

  inprocClosed(pipe: Pipe): void {
    if (this.inprocPipes.delete(pipe)) this.release(pipe)
  }

  /** A connection ended; `error` says why when it was a fault (protocol error, heartbeat). */
  private release(pipe: Pipe, error?: ZmqError): void {
    this.owner.pipeDisconnected(pipe)
    this.owner.emit({ type: "disconnect", address: this.endpoint, ...peerFields(pipe), ...(error ? { error } : {}) })
    this.owner.detachPipe(pipe)
    pipe.terminate()
  }
}
