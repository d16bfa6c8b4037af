// A CURVE connection after its handshake (RFC 26 "MESSAGE"): every frame, message or command,
// travels boxed with the two short-term keys in a MESSAGE, which libzmq sends as a plain
// single data frame (no MORE, no COMMAND flag; both live inside the box). Short nonces count
// up from 1 in each direction; a peer's must only ever grow.
// Implements the mechanism's data phase (MechanismSession): the engine never sees a box.
import { zmqError, type ZmqError } from "../errors.js"
import { parseCommand, type Command } from "../zmtp/command.js"
import { FLAG_COMMAND, FLAG_LONG, MAX_SHORT_SIZE } from "../zmtp/constants.js"
import { packBuffer } from "../zmtp/encoder.js"
import type { MechanismSession, SessionSink } from "./mechanism.js"
import { openInPlace, sealInto } from "./nacl.js"

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

/** A MESSAGE command body starts with its name: length 7, then "MESSAGE". */
const MESSAGE_NAME = Buffer.from("\x07MESSAGE", "latin1")
/** MESSAGE data before the box's plaintext: short nonce (8), MAC (16), inner flags (1). */
const MESSAGE_OVERHEAD = 8 + 16 + 1
const TWO_32 = 2 ** 32

/** Whether a command body is a MESSAGE (no name string built per frame). */
function isMessage(body: Buffer): boolean {
  if (body.length < 8) return false
  for (let i = 0; i < 8; i++) if (body[i] !== MESSAGE_NAME[i]) return false
  return true
}

/** The wire size of one sealed frame of `length` plaintext octets: header, name, data. */
function sealedSize(length: number): number {
  const bodySize = 8 + MESSAGE_OVERHEAD + length
  return (bodySize > MAX_SHORT_SIZE ? 9 : 2) + bodySize
}

export class CurveSession implements MechanismSession {
  readonly transparent = false
  /** Frames of a multipart message received so far. */
  private frames: Buffer[] = []
  // Counters as Numbers (exact up to 2^53 messages): BigInt arithmetic and BigInt buffer writes
  // cost more than the box of a small message. The peer's counter is kept as two 32-bit halves,
  // so a peer-chosen value above 2^53 still compares exactly.
  private sent: number
  private receivedHigh: number
  private receivedLow: number

  /**
   * @param key the precomputed box key of our short-term secret and the peer's short-term public key
   * @param sendPrefix "CurveZMQMESSAGEC" for a client, "CurveZMQMESSAGES" for a server
   */
  constructor(
    private readonly key: Uint8Array,
    sendPrefix: string,
    receivePrefix: string,
    /** Short nonces each side already used in the handshake (they keep counting). */
    used: { sent: bigint; received: bigint },
  ) {
    this.sent = Number(used.sent)
    this.receivedHigh = Number(used.received >> 32n)
    this.receivedLow = Number(used.received & 0xffffffffn)
    this.sendNonce = shortNonce(sendPrefix, 0n) as Buffer
    this.receiveNonce = shortNonce(receivePrefix, 0n) as Buffer
  }

  // One nonce buffer per direction, prefix written once: the primitives copy the nonce before
  // they return, so only the counter changes per frame (no allocation per frame).
  private readonly sendNonce: Buffer
  private readonly receiveNonce: Buffer

  /** One frame as a MESSAGE frame, written at `at` in `out`; returns the offset after it. */
  private sealAt(out: Buffer, at: number, body: Buffer, innerFlags: number): number {
    const counter = ++this.sent
    const bodySize = 8 + MESSAGE_OVERHEAD + body.length
    // a data frame, as libzmq sends it (no COMMAND flag: that lives inside the box)
    if (bodySize > MAX_SHORT_SIZE) {
      out[at] = FLAG_LONG
      out.writeUInt32BE(Math.floor(bodySize / TWO_32), at + 1)
      out.writeUInt32BE(bodySize >>> 0, at + 5)
      at += 9
    } else {
      out[at] = 0
      out[at + 1] = bodySize
      at += 2
    }
    MESSAGE_NAME.copy(out, at)
    const high = Math.floor(counter / TWO_32)
    const low = counter >>> 0
    out.writeUInt32BE(high, at + 8)
    out.writeUInt32BE(low, at + 12)
    this.sendNonce.writeUInt32BE(high, 16)
    this.sendNonce.writeUInt32BE(low, 20)
    sealInto(out, at + 16, innerFlags, body, this.sendNonce, this.key)
    return at + 16 + 16 + 1 + body.length
  }

  /**
   * Seals a batch: encoded command frames first, then every frame of every message, into one
   * pack slab (packBuffer: the writer gives it back once the kernel took it, so large messages
   * do not cost fresh pages per batch); each frame is a view into it, adjacent, so a writer may
   * join them.
   */
  encode(commandFrames: Buffer[], messages: readonly (readonly Buffer[])[]): Buffer[] {
    let total = 0
    for (const frame of commandFrames) total += sealedSize(commandParts(frame)[0].length)
    for (const frames of messages) for (const frame of frames) total += sealedSize(frame.length)
    const out = packBuffer(total)
    const views: Buffer[] = []
    let at = 0
    const add = (body: Buffer, inner: number): void => {
      const end = this.sealAt(out, at, body, inner)
      views.push(out.subarray(at, end))
      at = end
    }
    for (const frame of commandFrames) add(...commandParts(frame))
    for (const frames of messages) {
      const last = frames.length - 1
      for (let i = 0; i <= last; i++) add(frames[i]!, i < last ? INNER_MORE : 0)
    }
    return views
  }

  /**
   * Opens the MESSAGE data that starts at `start` in `buffer` (nonce, box), in place: the frame
   * and its inner flags, or the error to close with. The buffer is ours alone (a fresh read or
   * frame buffer), so its plaintext replaces its ciphertext.
   */
  open(buffer: Buffer, start: number): { flags: number; body: Buffer } | ZmqError {
    if (buffer.length - start < MESSAGE_OVERHEAD) return zmqError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "MESSAGE too short")
    const high = buffer.readUInt32BE(start)
    const low = buffer.readUInt32BE(start + 4)
    if (high < this.receivedHigh || (high === this.receivedHigh && low <= this.receivedLow)) {
      return zmqError("ERR_ZMTP_CRYPTOGRAPHIC", "MESSAGE nonce did not increase")
    }
    this.receiveNonce.writeUInt32BE(high, 16)
    this.receiveNonce.writeUInt32BE(low, 20)
    if (!openInPlace(buffer.subarray(start + 8), this.receiveNonce, this.key)) {
      return zmqError("ERR_ZMTP_CRYPTOGRAPHIC", "MESSAGE box did not open")
    }
    this.receivedHigh = high
    this.receivedLow = low
    return { flags: buffer[start + 24]!, body: buffer.subarray(start + MESSAGE_OVERHEAD) }
  }

  /** Each data frame is one boxed MESSAGE (libzmq sends them as data frames, not commands). */
  decodeMessage(frames: Buffer[], sink: SessionSink): void {
    for (const frame of frames) {
      if (isMessage(frame)) {
        if (!this.openMessage(frame, 8, sink)) return
        continue
      }
      const command = parseCommand(frame)
      if (command === undefined) {
        return sink.onSessionError(zmqError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "peer sent an unencrypted frame on a CURVE connection"))
      }
      if (!this.openInto(command, sink)) return
    }
  }

  decodeCommand(body: Buffer, sink: SessionSink): void {
    if (isMessage(body)) {
      this.openMessage(body, 8, sink)
      return
    }
    const command = parseCommand(body)
    if (command !== undefined) this.openInto(command, sink) // malformed: dropped, as libzmq does
  }

  /** Opens one MESSAGE and passes on what it holds; false after an error (stop reading). */
  private openInto(command: Command, sink: SessionSink): boolean {
    if (command.name !== MESSAGE) {
      sink.onSessionError(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", `peer sent an unencrypted ${command.name} on a CURVE connection`))
      return false
    }
    return this.openMessage(command.data, 0, sink)
  }

  /** Opens one MESSAGE's data and passes on what it holds; false after an error (stop reading). */
  private openMessage(buffer: Buffer, start: number, sink: SessionSink): boolean {
    const opened = this.open(buffer, start)
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

/** An encoded command frame's body (after its wire header) and the inner flags to box it with. */
function commandParts(frame: Buffer): [Buffer, number] {
  const headerSize = (frame[0]! & FLAG_LONG) !== 0 ? 9 : 2
  return [frame.subarray(headerSize), (frame[0]! & FLAG_COMMAND) !== 0 ? INNER_COMMAND : 0]
}
