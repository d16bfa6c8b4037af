// One ZMTP connection over a byte stream (tcp or ipc): the state machine that joins its parts.
// greeting -> handshake (HandshakeDriver) -> ready (one FrameDecoder, the mechanism's session,
// StreamReader in, StreamWriter out, heartbeats) -> closed. A fault closes this connection only
// and is reported to the host; it never throws.
import type { Socket as NetSocket } from "node:net"
import { zmqError, type ZmqError } from "../errors.js"
import type { Message, PeerInfo, Pipe, PipeEngine } from "../pipe/pipe.js"
import type { MechanismSession, SessionSink } from "../security/mechanism.js"
import type { ReadHook } from "../transport/read-hook.js"
import { encodeError, encodePing, encodePong, parseErrorReason, parsePing, subscriptionMessage, type Command } from "../zmtp/command.js"
import { COMMAND } from "../zmtp/constants.js"
import { FrameDecoder, type DecoderSink } from "../zmtp/decoder.js"
import type { CloseKind, EngineClose, EngineHost, EngineOptions, HostedEngine } from "./engine-host.js"
import { HandshakeDriver, type HandshakeHost, type HandshakeResult } from "./handshake-driver.js"
import { Heartbeat, type HeartbeatHost } from "./heartbeat.js"
import { StreamReader, type ReaderHost } from "./stream-reader.js"
import { StreamWriter } from "./stream-writer.js"

const State = { Greeting: 0, Handshake: 1, Ready: 2, Closed: 3 } as const
type State = (typeof State)[keyof typeof State]

/** How long a peer gets to close its side after our FIN before the connection is destroyed. */
const CLOSE_GRACE_MS = 1000

export class StreamEngine implements PipeEngine, HostedEngine, DecoderSink, SessionSink, HandshakeHost, HeartbeatHost, ReaderHost {
  private state: State = State.Greeting
  private readonly decoder: FrameDecoder
  private readonly reader: StreamReader
  private readonly writer: StreamWriter
  private readonly handshake: HandshakeDriver
  private readonly heartbeat: Heartbeat
  private pipe: Pipe | undefined
  private ready: HandshakeResult | undefined
  private session: MechanismSession | undefined

  constructor(
    readonly stream: NetSocket,
    private readonly host: EngineHost,
    readonly options: EngineOptions,
    reads?: ReadHook,
  ) {
    this.decoder = new FrameDecoder(this, options.maxMessageSize)
    this.heartbeat = new Heartbeat(this, {
      interval: options.heartbeatInterval,
      timeout: options.heartbeatTimeout,
      timeToLive: options.heartbeatTimeToLive,
    })
    stream.setNoDelay?.(true)
    this.reader = new StreamReader(stream, this.decoder, this, reads)
    this.writer = new StreamWriter(stream)
    stream.on("error", () => {}) // the 'close' that follows reports it
    stream.on("close", () => this.finish({ kind: "closed", handshaken: this.state === State.Ready }))
    this.handshake = new HandshakeDriver(stream, this, options)
  }

  get address(): string {
    return this.options.address
  }

  attach(pipe: Pipe, peer: PeerInfo): void {
    this.pipe = pipe
    this.writer.start(pipe, this.ready!.session, this.ready!.minor)
    pipe.attach(this, peer)
  }

  // ---- input -------------------------------------------------------------------------------

  get readsInPlace(): boolean {
    return this.state === State.Ready
  }

  onDirectData(): void {
    this.heartbeat.sawTraffic()
    if (this.pipe !== undefined) this.pipe.lastActivity = Date.now() // once per read, not per message
  }

  onData(chunk: Buffer): void {
    if (this.state === State.Closed) return
    this.heartbeat.sawTraffic()
    if (this.pipe !== undefined) this.pipe.lastActivity = Date.now()
    if (this.state === State.Greeting) {
      const rest = this.handshake.readGreeting(chunk)
      if (rest === undefined || this.state !== State.Greeting) return
      this.state = State.Handshake
      if (rest.length === 0) return
      chunk = rest
    }
    this.decoder.push(chunk)
  }

  onMessage(frames: Message): void {
    if (this.session !== undefined) return this.session.decodeMessage(frames, this)
    if (this.state === State.Handshake) this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", "peer sent a message before READY"), "protocol")
  }

  onCommand(body: Buffer): void {
    if (this.session !== undefined) return this.session.decodeCommand(body, this)
    if (this.state === State.Handshake) this.handshake.onCommand(body)
  }

  onDecodeError(error: ZmqError): void {
    this.fail(error, "protocol")
  }

  onSessionMessage(frames: Message): void {
    if (this.state === State.Ready && !this.pipe!.deliver(frames)) this.reader.pause()
  }

  onSessionCommand(command: Command): void {
    if (this.state !== State.Ready) return
    switch (command.name) {
      case COMMAND.PING: return this.onPing(command.data)
      case COMMAND.PONG: return
      case COMMAND.SUBSCRIBE: case COMMAND.CANCEL: return this.onSubscription(command.name, command.data)
      case COMMAND.ERROR:
        return this.fail(zmqError("ERR_ZMTP_PEER_ERROR", `peer sent ERROR: ${parseErrorReason(command.data)}`), "protocol")
      case COMMAND.READY: return // a second READY is ignored, as libzmq does
      default: this.pipe!.owner.onPipeCommand(this.pipe!, command.name, command.data)
    }
  }

  onSessionError(error: ZmqError): void {
    this.fail(error, "protocol")
  }

  private onPing(data: Buffer): void {
    const ping = parsePing(data)
    if (!ping) return
    this.heartbeat.peerPinged(ping.ttlMs)
    this.writer.queueCommand(encodePong(ping.context))
  }

  private onSubscription(name: string, prefix: Buffer): void {
    if (this.options.receivesSubscriptions) this.onSessionMessage([subscriptionMessage(prefix, name === COMMAND.SUBSCRIBE)])
  }

  // ---- handshake ---------------------------------------------------------------------------

  onHandshaken(result: HandshakeResult): void {
    if (this.state !== State.Handshake) return
    this.ready = result
    this.session = result.session
    this.state = State.Ready
    this.heartbeat.start()
    this.host.onEngineReady(this, { ...result.peer, minor: result.minor, address: this.options.address, local: this.options.localAddress })
    if (this.pipe === undefined && this.state === State.Ready) this.close()
  }

  onHandshakeFailed(error: ZmqError, kind: "protocol" | "auth" | "timeout", reason?: string): void {
    this.fail(error, kind, reason)
  }

  // ---- output ------------------------------------------------------------------------------

  requestFlush(): void {
    if (this.state !== State.Closed) this.writer.requestFlush()
  }

  flush(): void {
    if (this.state === State.Ready) this.writer.flush()
  }

  sendPing(ttlDeciseconds: number): void {
    this.writer.queueCommand(encodePing(ttlDeciseconds))
  }

  resumeReading(): void {
    if (this.state === State.Ready) this.reader.resume()
  }

  // ---- closing -----------------------------------------------------------------------------

  onHeartbeatExpired(): void {
    this.fail(zmqError("ETIMEDOUT", "heartbeat timed out"), "timeout")
  }

  /** Ends the connection because of a fault; with a `reason`, tells the peer why with ERROR first. */
  private fail(error: ZmqError, kind: CloseKind, reason?: string): void {
    if (this.state === State.Closed) return
    const handshaken = this.state === State.Ready
    if (reason !== undefined) {
      this.endGracefully(encodeError(reason.slice(0, 255)))
    } else {
      this.stream.destroy()
    }
    this.finish({ kind, error, handshaken })
  }

  /**
   * Local close. `graceful` lets what is already written reach the peer (stream end, as after a
   * linger wait); otherwise the connection is dropped at once.
   */
  close(graceful = false): void {
    if (this.state === State.Closed) return
    if (graceful) {
      this.endGracefully()
      this.reader.resume(true) // keep reading so the peer's FIN is seen and the handle released
    } else {
      this.stream.destroy()
    }
    this.finish({ kind: "local", handshaken: this.state === State.Ready })
  }

  /**
   * Sends our FIN (after `last`) and lets the peer close its side, but not forever: a peer that
   * never closes (hung, or half-open on purpose) would otherwise hold the handle and its fd.
   */
  private endGracefully(last?: Buffer): void {
    const stream = this.stream
    if (last) stream.end(last)
    else stream.end()
    const timer = setTimeout(() => stream.destroy(), CLOSE_GRACE_MS).unref()
    stream.once("close", () => clearTimeout(timer))
  }

  private finish(close: EngineClose): void {
    if (this.state === State.Closed) return
    this.state = State.Closed
    this.handshake.stop()
    this.heartbeat.stop()
    this.writer.stop()
    this.pipe?.detach(this)
    this.host.onEngineClosed(this, close)
  }
}
