// The output side of a stream engine (ws Sender): the engine's own commands (PING, PONG) and the
// pipe's (encoded for the peer's ZMTP version), then batches of messages taken from the pipe, encoded by the mechanism's session and written under cork. It keeps a write
// window in flight (instead of Node's 16 KiB high-water mark) and waits for 'drain' beyond it.
// Flushes are coalesced per turn of the event loop (util/flush-scheduler.ts).
import type { Socket as NetSocket } from "node:net"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { MechanismSession } from "../security/mechanism.js"
import { FlushRequest } from "../util/flush-scheduler.js"
import { encodePipeCommand } from "../zmtp/command.js"
import { COPY_LIMIT, recyclePacked } from "../zmtp/encoder.js"

/** Most octets taken from the pipe per batch (one encode allocation, one writev). */
const MAX_FLUSH_BYTES = 256 * 1024
/**
 * Most octets of small messages per batch (they are copied into one buffer, large bodies go by
 * reference). Measured on loopback with 256 B messages: batches of 16 KiB cost the kernel half
 * the time per message of 64-256 KiB ones (0.27-0.51 against 0.58-1.02 us of system time), and
 * the sender's own time fell too: a small buffer is reused from the allocator while still in
 * cache, a large one is fresh memory each time.
 */
const MAX_PACKED_BYTES = 16 * 1024
/** Batches per flush call before yielding to the event loop. */
const MAX_BATCHES_PER_FLUSH = 16
/**
 * Octets written but not yet taken by the kernel before output pauses until 'drain': enough to
 * keep large messages streaming (4 of the largest frame seen), small enough that a slow peer of
 * small messages holds little beyond its high-water mark.
 */
const MIN_WRITE_WINDOW = 512 * 1024
/**
 * A scheduled flush may wait for a send loop while at least WAIT_FROM and fewer than
 * WAIT_BELOW_MESSAGES messages are queued (and more than at its last wait)... A loop feeding this
 * connection queued a turn's worth (256); one spreading its sends over many sockets (a Dealer
 * per peer) queued a few here, and waiting would only delay them and cost a pass per turn.
 */
const WAIT_FROM = 64
const WAIT_BELOW_MESSAGES = 1024
/** ...and while they hold fewer octets than this (estimated from the oldest). */
const WAIT_BELOW_BYTES = 64 * 1024

export class StreamWriter {
  /** Set by start(): output flows only between start() and stop(). */
  private pipe: Pipe | undefined
  private session: MechanismSession | undefined
  private peerMinor = 1
  private commands: Buffer[] = []
  // Reused per batch (emptied after the write): no array allocations per flush on the hot path.
  private spareCommands: Buffer[] = []
  private readonly batch: Message[] = []
  private blocked = false
  private flushing = false
  private writeWindow = MIN_WRITE_WINDOW
  /** Messages queued when this flush last waited for a send loop (-1: it did not). */
  private waitedAt = -1
  private readonly flushRequest = new FlushRequest(this)
  /** Buffers of writes Node queued (not taken by the kernel at once): their pack slabs come back later. */
  private queuedWrites: Buffer[] = []

  constructor(private readonly stream: NetSocket) {
    stream.on("drain", () => this.onDrain())
  }

  /** The handshake is done and the pipe attached: output may flow. */
  start(pipe: Pipe, session: MechanismSession, peerMinor: number): void {
    this.pipe = pipe
    this.session = session
    this.peerMinor = peerMinor
  }

  /** The connection ended: nothing more is written; queued commands are dropped. */
  stop(): void {
    this.pipe = undefined
    this.commands = []
  }

  /** An encoded command frame of the engine's own (PING, PONG), sent before the next batch. */
  queueCommand(frame: Buffer): void {
    this.commands.push(frame)
    this.requestFlush()
  }

  requestFlush(): void {
    // A pipe at its high-water mark is flushed at once: waiting for the end of the burst would
    // make a publisher (which never waits) drop what the connection could have taken.
    const pipe = this.pipe
    if (pipe !== undefined && !pipe.writable && !this.flushing && !this.blocked) return this.flush()
    this.flushRequest.request()
  }

  /** Flushable.mayWait: small messages, well below a batch, and the connection idle. */
  mayWait(): boolean {
    const pipe = this.pipe
    if (pipe === undefined || this.blocked || this.commands.length > 0 || pipe.commands.length > 0) return false
    const queued = pipe.outbound.length
    if (queued < WAIT_FROM || queued >= WAIT_BELOW_MESSAGES || queued <= this.waitedAt) return false
    const oldest = pipe.outbound.peek()!
    let size = 0
    for (let i = 0; i < oldest.length; i++) size += oldest[i]!.length + 2
    if (size * queued >= WAIT_BELOW_BYTES) return false
    this.waitedAt = queued
    return true
  }

  flush(): void {
    if (this.pipe === undefined || this.blocked || this.flushing) return
    this.flushing = true
    this.waitedAt = -1
    this.pipe.lastActivity = Date.now() // socket.stats(): once per flush, not per message
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
    this.recycleQueued()
    const pipe = this.pipe!
    const commands = this.commands
    this.commands = this.spareCommands
    this.spareCommands = commands
    for (let command = pipe.commands.shift(); command; command = pipe.commands.shift()) {
      commands.push(encodePipeCommand(command.name, command.data, this.peerMinor))
    }
    const batch = this.batch
    let bytes = 0
    let packed = 0
    let largest = 0
    while (bytes < MAX_FLUSH_BYTES && packed < MAX_PACKED_BYTES) {
      const message = pipe.takeOutbound()
      if (message === undefined) break
      batch.push(message)
      for (let i = 0; i < message.length; i++) {
        const size = message[i]!.length
        bytes += size + 9
        packed += size < COPY_LIMIT ? size + 9 : 9
        if (size > largest) largest = size
      }
    }
    const out = this.session!.encode(commands, batch)
    batch.length = 0
    if (largest * 4 > this.writeWindow) this.writeWindow = largest * 4
    if (out.length > 0) this.write(out)
    out.length = 0
    commands.length = 0
    return this.pipe !== undefined && !this.blocked && this.hasOutput()
  }

  private hasOutput(): boolean {
    const pipe = this.pipe!
    return pipe.outbound.length > 0 || pipe.commands.length > 0 || this.commands.length > 0
  }

  private afterFlush(): void {
    const pipe = this.pipe
    if (pipe === undefined || this.blocked) return
    if (this.hasOutput()) this.requestFlush()
    else pipe.owner.onPipeDrained(pipe)
  }

  private write(encoded: Buffer[]): void {
    const stream = this.stream
    const buffers = joinAdjacent(encoded)
    if (buffers.length === 1) {
      stream.write(buffers[0]!)
    } else {
      stream.cork()
      for (const buffer of buffers) stream.write(buffer)
      stream.uncork()
    }
    // Node's own high-water mark (16 KiB) would stall large messages after every write; we
    // keep up to the write window in flight instead and resume on 'drain' (buffer empty).
    const queued = stream.writableLength
    if (queued === 0) {
      recyclePacked(buffers) // the kernel has it all: the pack slab is free
      return
    }
    for (let i = 0; i < buffers.length; i++) this.queuedWrites.push(buffers[i]!)
    if (queued >= this.writeWindow) this.blocked = true
  }

  /** Earlier writes that Node queued have all reached the kernel: their pack slabs are free. */
  private recycleQueued(): void {
    if (this.queuedWrites.length === 0 || this.stream.writableLength !== 0) return
    recyclePacked(this.queuedWrites)
    this.queuedWrites.length = 0
  }

  private onDrain(): void {
    this.blocked = false
    this.recycleQueued()
    if (this.pipe !== undefined) this.flush()
  }
}

/**
 * Merges buffers that are adjacent views of one allocation (a boxing session seals a batch into
 * one buffer, frame by frame): one write instead of one per frame.
 */
function joinAdjacent(buffers: Buffer[]): Buffer[] {
  if (buffers.length < 2) return buffers
  const out: Buffer[] = [buffers[0]!]
  for (let i = 1; i < buffers.length; i++) {
    const previous = out[out.length - 1]!
    const next = buffers[i]!
    if (previous.buffer === next.buffer && previous.byteOffset + previous.length === next.byteOffset) {
      out[out.length - 1] = Buffer.from(previous.buffer, previous.byteOffset, previous.length + next.length)
    } else {
      out.push(next)
    }
  }
  return out
}
