// One raw tcp/ipc connection of a STREAM socket (libzmq ZMQ_STREAM, raw_engine_t): no greeting,
// no handshake, no framing. It is ready as soon as it exists; every read becomes a one-frame
// message, every outbound message is written as its bytes, and an empty outbound message ends
// the connection once what was queued before it is written. Beside StreamEngine, sharing only
// the transport (the stream) and the read slab.
import type { Socket as NetSocket } from "node:net"
import type { Message, PeerInfo, Pipe, PipeEngine } from "../pipe/pipe.js"
import type { ReadHook, ReadTarget } from "../transport/read-hook.js"
import { FlushRequest } from "../util/flush-scheduler.js"
import type { EngineClose, EngineHost, EngineOptions, HostedEngine } from "./engine-host.js"
import { ReadSlab } from "./read-slab.js"

/** Octets handed to the stream but not yet taken by the kernel before output waits for 'drain'. */
const WRITE_WINDOW = 512 * 1024
/** How long a peer gets to close its side after our FIN before the connection is destroyed. */
const CLOSE_GRACE_MS = 1000

export class RawStreamEngine implements PipeEngine, HostedEngine, ReadTarget {
  private pipe: Pipe | undefined
  private closed = false
  private paused = false
  private blocked = false
  private readonly ownsReads: boolean
  private readonly slab = new ReadSlab()
  private readonly flushRequest = new FlushRequest(this)

  constructor(
    private readonly stream: NetSocket,
    private readonly host: EngineHost,
    private readonly options: EngineOptions,
    reads?: ReadHook,
  ) {
    stream.setNoDelay?.(true)
    this.ownsReads = reads !== undefined
    if (reads) reads.reader = this
    stream.on("data", (chunk: Buffer) => this.received(chunk))
    stream.on("drain", () => this.onDrain())
    stream.on("error", () => {}) // the 'close' that follows reports it
    stream.on("close", () => this.finish({ kind: "closed", handshaken: true }))
    // Ready at once, but not from inside the constructor: the host records the engine first.
    queueMicrotask(() => this.ready())
  }

  private ready(): void {
    if (this.closed) return
    const { address, localAddress } = this.options
    this.host.onEngineReady(this, { socketType: "STREAM", identity: undefined, metadata: new Map(), minor: 0, address, local: localAddress })
    if (this.pipe === undefined) this.close()
  }

  attach(pipe: Pipe, peer: PeerInfo): void {
    this.pipe = pipe
    pipe.attach(this, peer)
  }

  // ---- input -------------------------------------------------------------------------------

  nextBuffer(): Buffer {
    return this.slab.room()
  }

  onRead(bytes: number, buffer: Buffer): boolean {
    this.received(this.slab.filled(buffer, bytes))
    return !this.paused
  }

  private received(chunk: Buffer): void {
    const pipe = this.pipe
    if (this.closed || pipe === undefined || chunk.length === 0) return
    pipe.lastActivity = Date.now()
    if (!pipe.deliver([chunk])) this.pauseReading()
  }

  private pauseReading(): void {
    this.paused = true
    if (!this.ownsReads) this.stream.pause()
  }

  resumeReading(): void {
    if (!this.paused || this.closed) return
    this.paused = false
    if (this.ownsReads) this.stream.read(0)
    else this.stream.resume()
  }

  // ---- output ------------------------------------------------------------------------------

  requestFlush(): void {
    if (!this.closed) this.flushRequest.request()
  }

  flush(): void {
    const pipe = this.pipe
    if (pipe === undefined || this.closed || this.blocked) return
    pipe.commands.clear() // a raw peer has no commands
    for (let message = pipe.takeOutbound(); message !== undefined; message = pipe.takeOutbound()) {
      const data = joined(message)
      if (data.length === 0) return this.close(true)
      this.stream.write(data)
      if (this.stream.writableLength >= WRITE_WINDOW) {
        this.blocked = true
        return
      }
    }
    pipe.lastActivity = Date.now()
    pipe.owner.onPipeDrained(pipe)
  }

  private onDrain(): void {
    this.blocked = false
    this.flush()
  }

  // ---- closing -----------------------------------------------------------------------------

  /** Ends the connection; graceful lets what was written reach the peer first (FIN after it). */
  close(graceful = false): void {
    if (this.closed) return
    if (graceful) {
      const stream = this.stream
      stream.end()
      const timer = setTimeout(() => stream.destroy(), CLOSE_GRACE_MS).unref()
      stream.once("close", () => clearTimeout(timer))
      this.resumeReading() // keep reading so the peer's FIN is seen and the handle released
    } else {
      this.stream.destroy()
    }
    this.finish({ kind: "local", handshaken: true })
  }

  private finish(close: EngineClose): void {
    if (this.closed) return
    this.closed = true
    this.pipe?.detach(this)
    this.host.onEngineClosed(this, close)
  }
}

/** A message's frames as one write (a STREAM message has one data frame; more are joined). */
function joined(message: Message): Buffer {
  return message.length === 1 ? message[0]! : Buffer.concat(message)
}
