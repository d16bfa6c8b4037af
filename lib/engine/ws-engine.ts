// One ZWS 2.0 connection (RFC 45) over an open WebSocket: no greeting; the subprotocol the two
// sides agreed on names the mechanism (NULL, PLAIN, CURVE: the ZMTP handshake commands, one
// WebSocket message each) or none ("ZWS2.0": routing ids first, as ZMTP 2). Heartbeats are
// WebSocket pings. Runs on Node and in the browser (no node: import). A fault closes this
// connection only and is reported to the host; it never throws.
import { zmqError, type ZmqError } from "../errors.js"
import type { Message, PeerInfo, Pipe, PipeEngine } from "../pipe/pipe.js"
import { CLEAR_SESSION } from "../security/clear-session.js"
import { createMechanism } from "../security/index.js"
import type { HandshakeStep, Mechanism, MechanismSession, SessionSink } from "../security/mechanism.js"
import type { WsLink, WsLinkHandler } from "../transport/ws-link.js"
import { FlushRequest } from "../util/flush-scheduler.js"
import {
  encodeCommand, encodeError, parseCommand, parseErrorReason, parseLibzmqError, subscriptionMessage, type Command,
} from "../zmtp/command.js"
import { COMMAND } from "../zmtp/constants.js"
import {
  decodeZwsFrame, encodeZwsFrame, encodeZwsMessage, encodeZwsSubscription, zwsFromPacked, zwsFromZmtpFrame, ZwsMessageAssembler,
  mechanismOfProtocol, ZWS_LAST,
} from "../zmtp/zws.js"
import type { PeerReady } from "../zmtp/ready.js"
import type { CloseKind, EngineClose, EngineHost, EngineOptions, HostedEngine } from "./engine-host.js"
import { Heartbeat, type HeartbeatHost } from "./heartbeat.js"

const State = { Handshake: 0, Ready: 1, Closed: 2 } as const
type State = (typeof State)[keyof typeof State]

/** Octets handed to the WebSocket but not yet to the network before output waits for drain. */
const WRITE_WINDOW = 512 * 1024
/** Messages taken from the pipe per batch (fewer once a batch holds WRITE_WINDOW octets). */
const MAX_BATCH = 256

export class WsEngine implements HostedEngine, PipeEngine, WsLinkHandler, HeartbeatHost, SessionSink {
  private state: State = State.Handshake
  private pipe: Pipe | undefined
  private readonly mechanism: Mechanism | undefined
  /** The mechanism's data phase, once ready (CURVE boxes; NULL and PLAIN travel in the clear). */
  private session: MechanismSession | undefined
  private readonly assembler: ZwsMessageAssembler
  private readonly heartbeat: Heartbeat
  private readonly flushRequest = new FlushRequest(this)
  private commands: Buffer[] = []
  private blocked = false
  private stepPending = false
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly link: WsLink, private readonly host: EngineHost, readonly options: EngineOptions) {
    link.handler = this
    this.assembler = new ZwsMessageAssembler(options.maxMessageSize)
    this.heartbeat = new Heartbeat(this, {
      interval: link.canPing ? options.heartbeatInterval : 0, // browsers cannot ping: the server's pings keep us alive
      timeout: options.heartbeatTimeout,
      timeToLive: 0,
    })
    if (options.handshakeInterval > 0) {
      this.handshakeTimer = setTimeout(() => this.onHandshakeTimeout(), options.handshakeInterval)
      ;(this.handshakeTimer as { unref?: () => void }).unref?.()
    }
    if (link.protocol === "ZWS2.0") {
      // No mechanism: our routing id is the first message; the peer's completes the handshake.
      this.mechanism = undefined
      link.send([encodeZwsFrame(ZWS_LAST, options.local.routingId ?? new Uint8Array(0))])
      return
    }
    this.mechanism = createMechanism(options.security, options.local, options.address)
    if (mechanismOfProtocol(link.protocol) !== this.mechanism.name) {
      const error = zmqError("ERR_ZMTP_MECHANISM_MISMATCH", `peer chose subprotocol "${link.protocol}", we use ${this.mechanism.name}`)
      queueMicrotask(() => this.fail(error, "protocol"))
      return
    }
    link.send(this.mechanism.start().map(zwsFromZmtpFrame))
    const setupError = this.mechanism.setupError
    if (setupError) queueMicrotask(() => this.fail(setupError, "protocol"))
  }

  get address(): string {
    return this.options.address
  }

  attach(pipe: Pipe, peer: PeerInfo): void {
    this.pipe = pipe
    pipe.attach(this, peer)
  }

  // ---- input -------------------------------------------------------------------------------

  onMessage(data: Uint8Array, binary: boolean): void {
    if (this.state === State.Closed) return
    this.heartbeat.sawTraffic()
    if (!binary) return this.fail(zmqError("ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED", "peer sent a text WebSocket message (ZWS is binary only)"), "protocol")
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    const frame = decodeZwsFrame(bytes)
    if (frame instanceof Error) return this.fail(frame, "protocol")
    if (frame.command) return this.onCommand(frame.body)
    if (this.state === State.Handshake) {
      if (this.mechanism === undefined) return this.onPeerRoutingId(frame.body, frame.more)
      return this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", "peer sent a message before READY"), "protocol")
    }
    const message = this.assembler.push(frame)
    if (message instanceof Error) return this.fail(message, "protocol")
    if (message === undefined) return
    if (this.pipe !== undefined) this.pipe.lastActivity = Date.now() // socket.stats()
    this.session!.decodeMessage(message, this)
  }

  onPong(): void {
    this.heartbeat.sawTraffic()
  }

  onSessionMessage(frames: Message): void {
    if (this.state === State.Ready && !this.pipe!.deliver(frames)) this.link.pause()
  }

  onSessionCommand(command: Command): void {
    if (this.state === State.Ready) this.onReadyCommand(command)
  }

  onSessionError(error: ZmqError): void {
    this.fail(error, "protocol")
  }

  resumeReading(): void {
    if (this.state === State.Ready) this.link.resume()
  }

  private onCommand(body: Buffer): void {
    if (this.state === State.Handshake) {
      if (this.mechanism === undefined) return this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", "command on a ZWS2.0 connection without mechanism"), "protocol")
      return this.handshakeCommand(parseCommand(body) ?? parseLibzmqError(body))
    }
    this.session!.decodeCommand(body, this)
  }

  private onReadyCommand(command: Command): void {
    switch (command.name) {
      case COMMAND.PING: case COMMAND.PONG: case COMMAND.READY: return // WebSocket ping/pong carry heartbeats
      case COMMAND.SUBSCRIBE: case COMMAND.CANCEL:
        if (!this.options.receivesSubscriptions) return
        return this.onSessionMessage([subscriptionMessage(command.data, command.name === COMMAND.SUBSCRIBE)])
      case COMMAND.ERROR:
        return this.fail(zmqError("ERR_ZMTP_PEER_ERROR", `peer sent ERROR: ${parseErrorReason(command.data)}`), "protocol")
      default: this.pipe!.owner.onPipeCommand(this.pipe!, command.name, command.data)
    }
  }

  private handshakeCommand(command: Command | undefined): void {
    if (command === undefined || this.stepPending) {
      const what = command === undefined ? "a malformed command" : `${command.name} while the handshake waits`
      return this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", `peer sent ${what}`), "protocol")
    }
    this.applyStep(this.mechanism!.onCommand(command))
  }

  private applyStep(step: HandshakeStep): void {
    switch (step.kind) {
      case "continue": return this.link.send(step.send.map(zwsFromZmtpFrame))
      case "pending":
        this.stepPending = true
        void step.step.then((next) => {
          this.stepPending = false
          if (this.state === State.Handshake) this.applyStep(next)
        })
        return
      case "fail": return this.fail(step.error, step.auth ? "auth" : "protocol", step.reason)
      case "ready":
        this.link.send(step.send.map(zwsFromZmtpFrame))
        return this.becomeReady(step.peer)
    }
  }

  /** ZWS2.0 without mechanism: the peer's first message is its routing id; no socket type is known. */
  private onPeerRoutingId(body: Buffer, more: boolean): void {
    if (more) return this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", "a ZWS2.0 routing id must be a single frame"), "protocol")
    if (body.length > 255) return this.fail(zmqError("ERR_ZMTP_INVALID_METADATA", "routing id longer than 255 octets"), "protocol")
    this.becomeReady({ socketType: "", identity: body.length > 0 ? Buffer.from(body) : undefined, metadata: new Map() })
  }

  private becomeReady(ready: PeerReady): void {
    clearTimeout(this.handshakeTimer)
    this.session = this.mechanism?.session ?? CLEAR_SESSION
    this.state = State.Ready
    this.heartbeat.start()
    this.host.onEngineReady(this, { ...ready, minor: 1, address: this.options.address })
    if (this.pipe === undefined && this.state === State.Ready) this.close()
  }

  // ---- output ------------------------------------------------------------------------------

  requestFlush(): void {
    if (this.state !== State.Closed) this.flushRequest.request()
  }

  sendPing(): void {
    this.link.ping()
  }

  flush(): void {
    if (this.state !== State.Ready || this.blocked) return
    const pipe = this.pipe!
    pipe.lastActivity = Date.now() // socket.stats(): once per flush
    for (;;) {
      const out = this.takeBatch(pipe)
      if (out.length === 0) break
      this.link.send(out)
      if (this.link.bufferedAmount >= WRITE_WINDOW) {
        this.blocked = true
        return this.link.awaitDrain()
      }
      if (this.state !== State.Ready) return
    }
    pipe.owner.onPipeDrained(pipe)
  }

  /**
   * The next WebSocket messages to send: the pipe's commands, then up to MAX_BATCH messages.
   * Subscriptions travel as 0x01/0x00 data messages (RFC 45), the other commands as commands.
   */
  private takeBatch(pipe: Pipe): Buffer[] {
    const commands = this.commands
    this.commands = []
    const batch: Message[] = []
    for (let command = pipe.commands.shift(); command; command = pipe.commands.shift()) {
      if (command.name === COMMAND.SUBSCRIBE || command.name === COMMAND.CANCEL) {
        batch.push([subscriptionMessage(command.data, command.name === COMMAND.SUBSCRIBE)])
      } else {
        commands.push(encodeCommand(command.name, command.data))
      }
    }
    // Bounded in octets too: `ws` masks (client side) and queues a whole batch before
    // bufferedAmount is looked at again, so 256 large messages meant hundreds of MiB copied
    // and queued at once, and a receiver that saw nothing for seconds.
    let octets = 0
    for (let n = 0; n < MAX_BATCH && octets < WRITE_WINDOW; n++) {
      const message = pipe.takeOutbound()
      if (message === undefined) break
      batch.push(message)
      for (const frame of message) octets += frame.length
    }
    // A boxing session gives one whole ZMTP frame per buffer; clear frames are framed here.
    if (!this.session!.transparent) return zwsFromPacked(this.session!.encode(commands, batch))
    const out = commands.map(zwsFromZmtpFrame)
    for (const message of batch) encodeZwsMessage(message, out)
    return out
  }

  onDrain(): void {
    this.blocked = false
    this.flush()
  }

  // ---- closing -----------------------------------------------------------------------------

  onHeartbeatExpired(): void {
    this.fail(zmqError("ETIMEDOUT", "heartbeat timed out"), "timeout")
  }

  private onHandshakeTimeout(): void {
    this.fail(zmqError("ETIMEDOUT", `no handshake within ${this.options.handshakeInterval} ms`), "timeout")
  }

  onClose(error?: Error): void {
    const cause = error ? zmqError("ECONNRESET", error.message, { cause: error }) : undefined
    this.finish({ kind: "closed", handshaken: this.state === State.Ready, error: cause })
  }

  private fail(error: ZmqError, kind: CloseKind, reason?: string): void {
    if (this.state === State.Closed) return
    const handshaken = this.state === State.Ready
    if (reason !== undefined) {
      this.link.send([zwsFromZmtpFrame(encodeError(reason.slice(0, 255)))])
      this.link.close()
    } else {
      this.link.terminate()
    }
    this.finish({ kind, error, handshaken })
  }

  close(graceful = false): void {
    if (this.state === State.Closed) return
    if (graceful) this.link.close()
    else this.link.terminate()
    this.finish({ kind: "local", handshaken: this.state === State.Ready })
  }

  private finish(close: EngineClose): void {
    if (this.state === State.Closed) return
    this.state = State.Closed
    clearTimeout(this.handshakeTimer)
    this.heartbeat.stop()
    this.commands = []
    this.pipe?.detach(this)
    this.host.onEngineClosed(this, close)
  }
}
