// Incremental ZMTP 3.x frame decoder: a "need N bytes" state machine (ws receiver, zmq.rs codec).
// Frames that sit inside one chunk are handed out as views (no copy); only a frame straddling
// reads is joined, once, when complete. Sizes are checked against the limit while parsing the
// header, before anything is buffered, so a lying length costs nothing.
import { constants as bufferConstants } from "node:buffer"
import { zmqError, type ZmqError } from "../errors.js"
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE } from "./constants.js"

/** Receives decoded output. Called synchronously from push(); must not call push() re-entrantly. */
export interface DecoderSink {
  /** A whole multipart message (all frames of a MORE run). */
  onMessage(frames: Buffer[]): void
  /** A command frame's body (name-length, name, data); may arrive between frames of a message. */
  onCommand(body: Buffer): void
  /** A fatal decoding error; the decoder stops and ignores further input. */
  onDecodeError(error: ZmqError): void
}

const HARD_LIMIT = Math.min(Number.MAX_SAFE_INTEGER, bufferConstants.MAX_LENGTH)

/**
 * Frames up to this size get their buffer when their first octets arrive (as libzmq does); a
 * larger claim is buffered as it arrives, so a peer lying about a length gains at most this
 * much memory per connection before sending the data (set maxMessageSize to bound it further).
 */
const PREALLOCATE_LIMIT = 8 * 1024 * 1024

export class FrameDecoder {
  private readonly header = Buffer.alloc(9)
  private headerHave = 0
  private inBody = false
  private flags = 0
  private size = 0
  private parts: Buffer[] = []
  private body: Buffer | undefined
  private partsHave = 0
  private frames: Buffer[] = []
  private failed = false
  private readonly limit: number

  /** @param maxFrameSize per-frame limit in octets; -1 means only the platform's limit. */
  constructor(private readonly sink: DecoderSink, maxFrameSize = -1) {
    this.limit = maxFrameSize >= 0 ? Math.min(maxFrameSize, HARD_LIMIT) : HARD_LIMIT
  }

  /** True between the frames of an unfinished multipart message or inside a frame. */
  get midMessage(): boolean {
    return this.frames.length > 0 || this.inBody || this.headerHave > 0
  }

  /**
   * The missing part of the frame being received into its own buffer, when at least `min`
   * octets are missing: the transport may read straight into it, then call advanceDirect().
   */
  directTarget(min: number): Buffer | undefined {
    if (!this.inBody || this.body === undefined || this.failed) return undefined
    return this.size - this.partsHave >= min ? this.body.subarray(this.partsHave) : undefined
  }

  /** `bytes` octets were written into the buffer directTarget() returned. */
  advanceDirect(bytes: number): void {
    this.partsHave += bytes
    if (this.partsHave === this.size) this.completeBody()
  }

  push(chunk: Buffer): void {
    let offset = 0
    const length = chunk.length
    while (offset < length && !this.failed) {
      offset = this.inBody ? this.readBody(chunk, offset) : this.readHeader(chunk, offset)
    }
  }

  private readHeader(chunk: Buffer, offset: number): number {
    if (this.headerHave === 0) {
      const available = chunk.length - offset
      const flags = chunk[offset]!
      if ((flags & FLAG_LONG) === 0 && available >= 2) {
        this.beginFrame(flags, chunk[offset + 1]!)
        return offset + 2
      }
      if ((flags & FLAG_LONG) !== 0 && available >= 9) {
        this.beginLongFrame(flags, chunk, offset + 1)
        return offset + 9
      }
    }
    // Slow path: the header straddles chunks; gather it octet by octet.
    this.header[this.headerHave++] = chunk[offset]!
    const needed = (this.header[0]! & FLAG_LONG) !== 0 ? 9 : 2
    if (this.headerHave === needed) {
      this.headerHave = 0
      if (needed === 2) this.beginFrame(this.header[0]!, this.header[1]!)
      else this.beginLongFrame(this.header[0]!, this.header, 1)
    }
    return offset + 1
  }

  /** The 8-octet size at source[at] as two 32-bit halves (no BigInt per frame on the hot path). */
  private beginLongFrame(flags: number, source: Buffer, at: number): void {
    const high = source.readUInt32BE(at)
    // 2^21 * 2^32 = 2^53: from there on the size is not an exact Number, and over any limit.
    if (high >= 0x20_0000) {
      const size = source.readBigUInt64BE(at)
      this.fail(zmqError("ERR_ZMTP_MESSAGE_TOO_LARGE", `peer announced a ${size} octet frame; limit is ${this.limit}`))
      return
    }
    this.beginFrame(flags, high * 0x1_0000_0000 + source.readUInt32BE(at + 4))
  }

  private beginFrame(flags: number, size: number): void {
    if (size > this.limit) {
      this.fail(zmqError("ERR_ZMTP_MESSAGE_TOO_LARGE", `peer announced a ${size} octet frame; limit is ${this.limit}`))
      return
    }
    this.flags = flags
    this.size = size
    if (size === 0) this.endFrame(EMPTY)
    else this.inBody = true
  }

  private readBody(chunk: Buffer, offset: number): number {
    const available = chunk.length - offset
    const missing = this.size - this.partsHave
    if (this.partsHave === 0 && available >= missing) {
      this.inBody = false
      this.endFrame(chunk.subarray(offset, offset + missing))
      return offset + missing
    }
    const take = Math.min(missing, available)
    if (this.size <= PREALLOCATE_LIMIT) {
      // Copy each read straight into the frame: the read buffers are released at once.
      if (this.partsHave === 0) this.body = Buffer.allocUnsafe(this.size)
      chunk.copy(this.body!, this.partsHave, offset, offset + take)
    } else {
      // A huge claim costs only what actually arrives: keep views, join once at the end.
      this.parts.push(chunk.subarray(offset, offset + take))
    }
    this.partsHave += take
    if (this.partsHave === this.size) this.completeBody()
    return offset + take
  }

  private completeBody(): void {
    const body = this.body ?? Buffer.concat(this.parts, this.size)
    this.body = undefined
    this.parts = []
    this.partsHave = 0
    this.inBody = false
    this.endFrame(body)
  }

  private endFrame(body: Buffer): void {
    if ((this.flags & FLAG_COMMAND) !== 0) {
      this.sink.onCommand(body)
      return
    }
    this.frames.push(body)
    if ((this.flags & FLAG_MORE) === 0) {
      const frames = this.frames
      this.frames = []
      this.sink.onMessage(frames)
    }
  }

  private fail(error: ZmqError): void {
    this.failed = true
    this.parts = []
    this.body = undefined
    this.frames = []
    this.sink.onDecodeError(error)
  }
}

const EMPTY = Buffer.alloc(0)
