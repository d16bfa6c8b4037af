// A CURVE connection after its handshake (RFC 26 "MESSAGE"): every frame, message or command,
// travels boxed with the two short-term keys in a MESSAGE, which libzmq sends as a plain
// single data frame (no MORE, no COMMAND flag; both live inside the box). Short nonces count
// up from 1 in each direction; a peer's must only ever grow.
// Implements the mechanism's data phase (MechanismSession): the engine never sees a box.
import { zmqError, type ZmqError } from "../errors.js"
import { allocateCommand, parseCommand, type Command } from "../zmtp/command.js"
import { FLAG_COMMAND, FLAG_LONG } from "../zmtp/constants.js"
import type { MechanismSession, SessionSink } from "./mechanism.js"
import { openAfter, sealInto } from "./nacl.js"

const MESSAGE = "MESSAGE"
/** Flags inside a MESSAGE box (libzmq): more frames follow, and the frame is a command. */
const INNER_MORE = 0x01
const INNER_COMMAND = 0x02

/** A 24-octet nonce: a 16-octet prefix and an 8-octet big-endian counter. */
export function shortNonce(prefix: string, counter: bigint): Uint8Array {
  const nonce = Buffer.alloc(24)
  nonce.write(prefix, 0, 16, "latin1")
  nonce.writeBigUInt64BE(counter, 16)
  return nonce
}

export class CurveSession implements MechanismSession {
  readonly transparent = false
  /** Frames of a multipart message received so far. */
  private frames: Buffer[] = []
  private sent = 0n
  private received = 0n

  /**
   * @param key the precomputed box key of our short-term secret and the peer's short-term public key
   * @param sendPrefix "CurveZMQMESSAGEC" for a client, "CurveZMQMESSAGES" for a server
   */
  constructor(
    private readonly key: Uint8Array,
    private readonly sendPrefix: string,
    private readonly receivePrefix: string,
    /** Short nonces each side already used in the handshake (they keep counting). */
    used: { sent: bigint; received: bigint },
  ) {
    this.sent = used.sent
    this.received = used.received
    this.sendNonce = shortNonce(sendPrefix, 0n) as Buffer
    this.receiveNonce = shortNonce(receivePrefix, 0n) as Buffer
  }

  // One nonce buffer per direction, prefix written once: the primitives copy the nonce before
  // they return, so only the counter changes per frame (no allocation per frame).
  private readonly sendNonce: Buffer
  private readonly receiveNonce: Buffer

  /** One frame as a MESSAGE frame. */
  seal(body: Buffer, innerFlags: number): Buffer {
    const counter = ++this.sent
    // Nonce and box are written straight into the frame.
    const { frame, offset } = allocateCommand(MESSAGE, 8 + 16 + 1 + body.length)
    frame.writeBigUInt64BE(counter, offset)
    this.sendNonce.writeBigUInt64BE(counter, 16)
    sealInto(frame, offset + 8, innerFlags, body, this.sendNonce, this.key)
    frame[0] = frame[0]! & ~FLAG_COMMAND // a data frame, as libzmq sends it
    return frame
  }

  /** Seals an encoded single-frame command (PING, SUBSCRIBE, JOIN...) from its wire form. */
  sealCommandFrame(frame: Buffer): Buffer {
    const headerSize = (frame[0]! & FLAG_LONG) !== 0 ? 9 : 2
    const inner = (frame[0]! & FLAG_COMMAND) !== 0 ? INNER_COMMAND : 0
    return this.seal(frame.subarray(headerSize), inner)
  }

  /** Seals a batch: encoded command frames first, then every frame of every message. */
  encode(commandFrames: Buffer[], messages: readonly (readonly Buffer[])[]): Buffer[] {
    const out = commandFrames.map((frame) => this.sealCommandFrame(frame))
    for (const frames of messages) {
      const last = frames.length - 1
      for (let i = 0; i <= last; i++) out.push(this.seal(frames[i]!, i < last ? INNER_MORE : 0))
    }
    return out
  }

  /** Opens a MESSAGE command's data: the frame and its inner flags, or the error to close with. */
  open(data: Buffer): { flags: number; body: Buffer } | ZmqError {
    if (data.length < 8 + 16 + 1) return zmqError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "MESSAGE too short")
    const counter = data.readBigUInt64BE(0)
    if (counter <= this.received) return zmqError("ERR_ZMTP_CRYPTOGRAPHIC", "MESSAGE nonce did not increase")
    this.receiveNonce.writeBigUInt64BE(counter, 16)
    const plain = openAfter(data.subarray(8), this.receiveNonce, this.key)
    if (!plain || plain.length < 1) return zmqError("ERR_ZMTP_CRYPTOGRAPHIC", "MESSAGE box did not open")
    this.received = counter
    const body = Buffer.from(plain.buffer, plain.byteOffset + 1, plain.length - 1)
    return { flags: plain[0]!, body }
  }

  /** Each data frame is one boxed MESSAGE (libzmq sends them as data frames, not commands). */
  decodeMessage(frames: Buffer[], sink: SessionSink): void {
    for (const frame of frames) {
      const command = parseCommand(frame)
      if (command === undefined) {
        return sink.onSessionError(zmqError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "peer sent an unencrypted frame on a CURVE connection"))
      }
      if (!this.openInto(command, sink)) return
    }
  }

  decodeCommand(body: Buffer, sink: SessionSink): void {
    const command = parseCommand(body)
    if (command !== undefined) this.openInto(command, sink) // malformed: dropped, as libzmq does
  }

  /** Opens one MESSAGE and passes on what it holds; false after an error (stop reading). */
  private openInto(command: Command, sink: SessionSink): boolean {
    if (command.name !== MESSAGE) {
      sink.onSessionError(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", `peer sent an unencrypted ${command.name} on a CURVE connection`))
      return false
    }
    const opened = this.open(command.data)
    if (opened instanceof Error) {
      sink.onSessionError(opened)
      return false
    }
    if ((opened.flags & INNER_COMMAND) !== 0) {
      const inner = parseCommand(opened.body)
      if (inner !== undefined) sink.onSessionCommand(inner)
      return true
    }
    this.frames.push(opened.body)
    if ((opened.flags & INNER_MORE) !== 0) return true
    const frames = this.frames
    this.frames = []
    sink.onSessionMessage(frames)
    return true
  }
}
