// One ZMTP connection over a byte stream (tcp or ipc): greeting, the security handshake (its
// mechanism decides the steps), heartbeats, and the data path between the wire and one Pipe.
// States: greeting -> handshake -> ready -> closed. A fault closes this connection only and is
// reported to the host; it never throws.
import type { Socket as NetSocket } from "node:net"
import { zmqError, type ZmqError } from "../errors.js"
import type { Message, PeerInfo, Pipe, PipeEngine } from "../pipe/pipe.js"
import { FlushRequest } from "../util/flush-scheduler.js"
import { COMMAND, GREETING_SIZE } from "../zmtp/constants.js"
import {
  encodeCommand, encodeError, encodePing, encodePong, encodeSubscription, parseCommand, parseErrorReason,
  parseLibzmqError, parsePing, type Command,
} from "../zmtp/command.js"
import { FrameDecoder, type DecoderSink } from "../zmtp/decoder.js"
import { encodeMessages } from "../zmtp/encoder.js"
import { checkGreetingPrefix, effectiveMinor, encodeGreeting, parseGreeting } from "../zmtp/greeting.js"
import { createMechanism } from "../security/index.js"
import { INNER_COMMAND, INNER_MORE, MESSAGE, type CurveSession } from "../security/curve-session.js"
import type { HandshakeStep, Mechanism } from "../security/mechanism.js"
import type { EngineClose, EngineHost, CloseKind, EngineOptions } from "./engine-host.js"
import type { PeerReady } from "../zmtp/ready.js"
import { Heartbeat, type HeartbeatHost } from "./heartbeat.js"
import type { ReadHook, StreamReader } from "../transport/read-hook.js"
import { ReadSlab } from "./read-slab.js"

const enum State { Greeting, Handshake, Ready, Closed }

/** How long a peer gets to close its side after our FIN before the connection is destroyed. */
const CLOSE_GRACE_MS = 1000

/** Most octets taken from the pipe per batch (one encode allocation, one writev). */
const MAX_FLUSH_BYTES = 256 * 1024
/** Batches per flush call before yielding to the event loop. */
const MAX_BATCHES_PER_FLUSH = 16
/**
 * Octets written but not yet taken by the kernel before output pauses until 'drain': enough to
 * keep large messages streaming (4 of the largest frame seen), small enough that a slow peer of
 * small messages holds little beyond its high-water mark.
 */
const MIN_WRITE_WINDOW = 512 * 1024

/** Frames missing at least this much are read straight into their buffer. */
const DIRECT_READ_MIN = 64 * 1024

export class StreamEngine implements PipeEngine, DecoderSink, HeartbeatHost, StreamReader {
  private state = State.Greeting
  private readonly greeting = Buffer.alloc(GREETING_SIZE)
  private greetingHave = 0
  private readonly decoder: FrameDecoder
  private pipe: Pipe | undefined
  private peerMinor = 1
  private blocked = false
  private readonly flushRequest = new FlushRequest(this)
  private flushing = false
  private writeWindow = MIN_WRITE_WINDOW
  private commands: Buffer[] = []
  private handshakeTimer: NodeJS.Timeout | undefined
  private readonly heartbeat: Heartbeat
  private readonly mechanism: Mechanism
  /** CURVE, once handshaken: boxes and unboxes every frame. */
  private sealer: CurveSession | undefined
  /** CURVE: frames of a multipart message received so far. */
  private sealedFrames: Buffer[] = []
  /** A handshake step is being decided elsewhere (ZAP): no command may be taken meanwhile. */
  private stepPending = false
  /** The stream reads through nextBuffer()/onRead() instead of 'data'. */
  private readonly ownsReads: boolean
  private readonly slab = new ReadSlab()
  private readPaused = false
  private readIsDirect = false

  constructor(
    readonly stream: NetSocket,
    private readonly host: EngineHost,
    readonly options: EngineOptions,
    reads?: ReadHook,
  ) {
    this.ownsReads = reads !== undefined
    if (reads) reads.reader = this
    this.decoder = new FrameDecoder(this, options.maxMessageSize)
    this.heartbeat = new Heartbeat(this, {
      interval: options.heartbeatInterval,
      timeout: options.heartbeatTimeout,
      timeToLive: options.heartbeatTimeToLive,
    })
    stream.setNoDelay?.(true)
    stream.on("data", (chunk: Buffer) => this.onData(chunk))
    stream.on("drain", () => this.onDrain())
    stream.on("error", () => {}) // the 'close' that follows reports it
    stream.on("close", () => this.finish({ kind: "closed", handshaken: this.state === State.Ready }))
    if (options.handshakeInterval > 0) {
      this.handshakeTimer = setTimeout(() => this.onHandshakeTimeout(), options.handshakeInterval).unref()
    }
    // Our first commands (NULL: READY; PLAIN client: HELLO) need nothing from the peer, so
    // they leave together with the greeting.
    this.mechanism = createMechanism(options.security, options.local, options.address)
    stream.write(Buffer.concat([encodeGreeting(this.mechanism.name, this.mechanism.asServer), ...this.mechanism.start()]))
    const setupError = this.mechanism.setupError
    if (setupError) setImmediate(() => this.fail(setupError, "protocol"))
  }

  get address(): string {
    return this.options.address
  }

  attach(pipe: Pipe, peer: PeerInfo): void {
    this.pipe = pipe
    pipe.attach(this, peer)
  }

  // ---- input -------------------------------------------------------------------------------

  nextBuffer(): Buffer {
    const direct = this.state === State.Ready ? this.decoder.directTarget(DIRECT_READ_MIN) : undefined
    this.readIsDirect = direct !== undefined
    return direct ?? this.slab.room()
  }

  onRead(bytes: number, buffer: Buffer): boolean {
    if (this.readIsDirect && this.state === State.Ready) {
      this.heartbeat.sawTraffic()
      this.decoder.advanceDirect(bytes)
    } else {
      this.onData(this.slab.filled(buffer, bytes))
    }
    return !this.readPaused
  }

  /** The pipe is full: stop reading until resumeReading(). */
  private pauseReading(): void {
    this.readPaused = true
    if (!this.ownsReads) this.stream.pause()
  }

  private onData(chunk: Buffer): void {
    if (this.state === State.Closed) return
    this.heartbeat.sawTraffic()
    if (this.state === State.Greeting) {
      const rest = this.readGreeting(chunk)
      if (rest === undefined || rest.length === 0) return
      chunk = rest
    }
    this.decoder.push(chunk)
  }

  /** Collects the 64 greeting octets; returns what follows them once complete. */
  private readGreeting(chunk: Buffer): Buffer | undefined {
    const take = Math.min(GREETING_SIZE - this.greetingHave, chunk.length)
    chunk.copy(this.greeting, this.greetingHave, 0, take)
    this.greetingHave += take
    const error = checkGreetingPrefix(this.greeting.subarray(0, this.greetingHave))
    if (error) return void this.fail(error, "protocol")
    if (this.greetingHave < GREETING_SIZE) return undefined
    const greeting = parseGreeting(this.greeting)
    if (greeting.mechanism !== this.mechanism.name) {
      const error = zmqError("ERR_ZMTP_MECHANISM_MISMATCH", `peer uses mechanism ${greeting.mechanism}, we use ${this.mechanism.name}`)
      return void this.fail(error, "protocol")
    }
    this.peerMinor = effectiveMinor(greeting)
    this.state = State.Handshake
    return chunk.subarray(take)
  }

  onMessage(frames: Message): void {
    if (this.state !== State.Ready) {
      if (this.state === State.Handshake) this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", "peer sent a message before READY"), "protocol")
      return
    }
    if (this.sealer === undefined) return this.deliver(frames)
    // CURVE: each frame is one boxed MESSAGE (libzmq sends them as data frames).
    for (const frame of frames) {
      const command = parseCommand(frame)
      if (command === undefined) {
        return this.fail(zmqError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "peer sent an unencrypted frame on a CURVE connection"), "protocol")
      }
      this.onSealed(command)
      if (this.state !== State.Ready) return
    }
  }

  private deliver(frames: Message): void {
    if (!this.pipe!.deliver(frames)) this.pauseReading()
  }

  onCommand(body: Buffer): void {
    const command = parseCommand(body)
    if (this.state === State.Handshake) return this.handshakeCommand(command ?? parseLibzmqError(body))
    if (this.state !== State.Ready || command === undefined) return // malformed: dropped, as libzmq
    if (this.sealer !== undefined) return this.onSealed(command)
    this.onReadyCommand(command)
  }

  /** CURVE: every frame arrives boxed in a MESSAGE command. */
  private onSealed(command: Command): void {
    if (command.name !== MESSAGE) {
      return this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", `peer sent an unencrypted ${command.name} on a CURVE connection`), "protocol")
    }
    const opened = this.sealer!.open(command.data)
    if (opened instanceof Error) return this.fail(opened, "protocol")
    if ((opened.flags & INNER_COMMAND) !== 0) {
      const inner = parseCommand(opened.body)
      if (inner !== undefined) this.onReadyCommand(inner)
      return
    }
    this.sealedFrames.push(opened.body)
    if ((opened.flags & INNER_MORE) !== 0) return
    const frames = this.sealedFrames
    this.sealedFrames = []
    this.deliver(frames)
  }

  private onReadyCommand(command: Command): void {
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

  onDecodeError(error: ZmqError): void {
    this.fail(error, "protocol")
  }

  private handshakeCommand(command: ReturnType<typeof parseCommand>): void {
    if (command === undefined || this.stepPending) {
      const what = command === undefined ? "a malformed command" : `${command.name} while the handshake waits`
      return this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", `peer sent ${what}`), "protocol")
    }
    this.applyStep(this.mechanism.onCommand(command))
  }

  private applyStep(step: HandshakeStep): void {
    switch (step.kind) {
      case "continue":
        return this.writeHandshake(step.send)
      case "pending":
        this.stepPending = true
        void step.step.then((next) => {
          this.stepPending = false
          if (this.state === State.Handshake) this.applyStep(next)
        })
        return
      case "fail":
        return this.fail(step.error, step.auth ? "auth" : "protocol", step.reason)
      case "ready":
        this.writeHandshake(step.send)
        return this.becomeReady(step.peer)
    }
  }

  private writeHandshake(frames: Buffer[]): void {
    if (frames.length > 0) this.stream.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames))
  }

  private becomeReady(ready: PeerReady): void {
    clearTimeout(this.handshakeTimer)
    this.sealer = this.mechanism.session
    this.state = State.Ready
    this.heartbeat.start()
    this.host.onEngineReady(this, { ...ready, minor: this.peerMinor, address: this.options.address })
    if (this.pipe === undefined && this.state === State.Ready) this.close()
  }

  private onPing(data: Buffer): void {
    const ping = parsePing(data)
    if (!ping) return
    this.heartbeat.peerPinged(ping.ttlMs)
    this.queueCommand(encodePong(ping.context))
  }

  private onSubscription(name: string, prefix: Buffer): void {
    if (!this.options.receivesSubscriptions) return
    const message = Buffer.allocUnsafe(prefix.length + 1)
    message[0] = name === COMMAND.SUBSCRIBE ? 1 : 0
    prefix.copy(message, 1)
    if (!this.pipe!.deliver([message])) this.pauseReading()
  }

  // ---- output ------------------------------------------------------------------------------

  requestFlush(): void {
    if (this.state === State.Closed) return
    // A pipe at its high-water mark is flushed at once: waiting for the end of the burst would
    // make a publisher (which never waits) drop what the connection could have taken.
    const pipe = this.pipe
    if (pipe !== undefined && !pipe.writable && !this.flushing && !this.blocked) return this.flush()
    this.flushRequest.request()
  }

  sendCommand(name: string, data: Buffer): boolean {
    if (this.state !== State.Ready) return false
    this.queueCommand(encodeCommand(name, data))
    return true
  }

  sendPing(ttlDeciseconds: number): void {
    this.queueCommand(encodePing(ttlDeciseconds))
  }

  private queueCommand(frame: Buffer): void {
    this.commands.push(frame)
    this.requestFlush()
  }

  flush(): void {
    if (this.state !== State.Ready || this.blocked || this.flushing) return
    this.flushing = true
    try {
      // Batches until the write window is full, so the kernel always has the next data queued.
      for (let batches = 0; batches < MAX_BATCHES_PER_FLUSH; batches++) {
        if (!this.flushBatch()) break
      }
    } finally {
      this.flushing = false
    }
    this.afterFlush()
  }

  /** Encodes and writes one batch; true when more is queued and the window has room. */
  private flushBatch(): boolean {
    const pipe = this.pipe!
    let out: Buffer[] = this.commands
    this.commands = []
    for (let sub = pipe.subscriptions.shift(); sub; sub = pipe.subscriptions.shift()) {
      out.push(encodeSubscription(sub.prefix, sub.subscribe, this.peerMinor))
    }
    const batch: Message[] = []
    let bytes = 0
    let largest = 0
    while (bytes < MAX_FLUSH_BYTES) {
      const message = pipe.takeOutbound()
      if (message === undefined) break
      batch.push(message)
      for (const frame of message) {
        bytes += frame.length + 9
        if (frame.length > largest) largest = frame.length
      }
    }
    if (this.sealer !== undefined) out = this.sealer.sealBatch(out, batch)
    else if (batch.length > 0) encodeMessages(batch, out)
    if (largest * 4 > this.writeWindow) this.writeWindow = largest * 4
    if (out.length > 0) this.write(out)
    return this.state === State.Ready && !this.blocked && this.hasOutput()
  }

  private hasOutput(): boolean {
    const pipe = this.pipe!
    return pipe.outbound.length > 0 || pipe.subscriptions.length > 0 || this.commands.length > 0
  }

  private afterFlush(): void {
    if (this.state !== State.Ready || this.blocked) return
    if (this.hasOutput()) this.requestFlush()
    else this.pipe!.owner.onPipeDrained(this.pipe!)
  }

  private write(buffers: Buffer[]): void {
    const stream = this.stream
    if (buffers.length === 1) {
      stream.write(buffers[0]!)
    } else {
      stream.cork()
      for (const buffer of buffers) stream.write(buffer)
      stream.uncork()
    }
    // Node's own high-water mark (16 KiB) would stall large messages after every write; we
    // keep up to the write window in flight instead and resume on 'drain' (buffer empty).
    if (stream.writableLength >= this.writeWindow) this.blocked = true
  }

  private onDrain(): void {
    this.blocked = false
    if (this.state === State.Ready) this.flush()
  }

  resumeReading(): void {
    if (this.state !== State.Ready || !this.readPaused) return
    this.readPaused = false
    // With onread, Node stopped reading when onRead() returned false; read(0) restarts it.
    if (this.ownsReads) this.stream.read(0)
    else this.stream.resume()
  }

  // ---- closing -----------------------------------------------------------------------------

  onHeartbeatExpired(): void {
    this.fail(zmqError("ETIMEDOUT", "heartbeat timed out"), "timeout")
  }

  private onHandshakeTimeout(): void {
    this.fail(zmqError("ETIMEDOUT", `no handshake within ${this.options.handshakeInterval} ms`), "timeout")
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
      // Keep reading so the peer's FIN is seen and the handle is released.
      this.readPaused = false
      if (this.ownsReads) this.stream.read(0)
      else this.stream.resume()
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
    clearTimeout(this.handshakeTimer)
    this.heartbeat.stop()
    this.commands = []
    this.pipe?.detach(this)
    this.host.onEngineClosed(this, close)
  }
}
