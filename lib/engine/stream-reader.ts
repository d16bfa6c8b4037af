// How a stream engine reads: with Node's `onread` (a ReadHook) reads land in a slab, or straight
// into the buffer of a large frame being received (no 64 KiB chunk and copy in between); without
// it, 'data' events. Pausing at the pipe's high-water mark and resuming at its low-water mark
// work the same for both. Knows no state machine: the host says whether frames may be read in place.
import type { Socket as NetSocket } from "node:net"
import type { ReadHook, ReadTarget } from "../transport/read-hook.js"
import type { FrameDecoder } from "../zmtp/decoder.js"
import { ReadSlab } from "./read-slab.js"

/**
 * Frames missing at least this much are read straight into their buffer. At most a slab read's least room (16 KiB), so that
 * a 64 KiB message (a frame a little larger: a header, or a CURVE box) whose first read also
 * brought its header gets the rest in place rather than through the slab and a copy.
 */
const DIRECT_READ_MIN = 16 * 1024

export interface ReaderHost {
  /** Octets arrived (greeting, handshake or frames). */
  onData(chunk: Buffer): void
  /** Octets went straight into the frame being decoded (the decoder already has them). */
  onDirectData(): void
  /** Frames may be read in place (the connection is past its handshake). */
  readonly readsInPlace: boolean
}

export class StreamReader implements ReadTarget {
  private readonly ownsReads: boolean
  private readonly slab = new ReadSlab()
  private paused = false
  private readIsDirect = false

  constructor(
    private readonly stream: NetSocket,
    private readonly decoder: FrameDecoder,
    private readonly host: ReaderHost,
    reads: ReadHook | undefined,
  ) {
    this.ownsReads = reads !== undefined
    if (reads) reads.reader = this
    stream.on("data", (chunk: Buffer) => host.onData(chunk))
  }

  nextBuffer(): Buffer {
    const direct = this.host.readsInPlace ? this.decoder.directTarget(DIRECT_READ_MIN) : undefined
    this.readIsDirect = direct !== undefined
    return direct ?? this.slab.room()
  }

  onRead(bytes: number, buffer: Buffer): boolean {
    if (this.readIsDirect && this.host.readsInPlace) {
      this.host.onDirectData()
      this.decoder.advanceDirect(bytes)
    } else {
      this.host.onData(this.slab.filled(buffer, bytes))
    }
    return !this.paused
  }

  /** The pipe is full: stop reading until resume(). */
  pause(): void {
    this.paused = true
    if (!this.ownsReads) this.stream.pause()
  }

  /** Reading continues (the pipe drained to its low-water mark, or a graceful close waits for FIN). */
  resume(force = false): void {
    if (!this.paused && !force) return
    this.paused = false
    // With onread, Node stopped reading when onRead() returned false; read(0) restarts it.
    if (this.ownsReads) this.stream.read(0)
    else this.stream.resume()
  }
}
