// A hand-driven ZMTP peer over node:net for robustness tests: it sends exactly the bytes a test
// gives it and records what comes back, parsed by its own small frame reader (independent of
// lib/zmtp, so a codec bug cannot hide itself). Also a byte-counting relay for watching heartbeats.
import { connect as netConnect, createServer, type Server, type Socket } from "node:net"

export interface RawFrame {
  flags: number
  body: Buffer
  more: boolean
  command: boolean
  /** The command name (commands only; empty when malformed). */
  name: string
}

/** A 64-octet greeting built by hand (not with lib/zmtp/greeting.ts). */
export function rawGreeting(options: { major?: number; minor?: number; mechanism?: string } = {}): Buffer {
  const greeting = Buffer.alloc(64)
  greeting[0] = 0xff
  greeting[9] = 0x7f
  greeting[10] = options.major ?? 3
  greeting[11] = options.minor ?? 1
  greeting.write(options.mechanism ?? "NULL", 12, 20, "ascii")
  return greeting
}

/** A frame header + body; `long` forces the 8-octet size form. */
export function rawFrame(body: Buffer | string, flags = 0, long = false): Buffer {
  const bytes = typeof body === "string" ? Buffer.from(body) : body
  if (long || bytes.length > 255) {
    const header = Buffer.alloc(9)
    header[0] = flags | 0x02
    header.writeBigUInt64BE(BigInt(bytes.length), 1)
    return Buffer.concat([header, bytes])
  }
  return Buffer.concat([Buffer.of(flags, bytes.length), bytes])
}

/** A command frame: name-length, name, data. */
export function rawCommand(name: string, data: Buffer | string = Buffer.alloc(0)): Buffer {
  const payload = typeof data === "string" ? Buffer.from(data) : data
  return rawFrame(Buffer.concat([Buffer.of(name.length), Buffer.from(name, "latin1"), payload]), 0x04)
}

/** READY with the given properties, in order (a missing Socket-Type is allowed on purpose). */
export function rawReady(properties: [string, string | Buffer][]): Buffer {
  const parts: Buffer[] = []
  for (const [name, value] of properties) {
    const bytes = typeof value === "string" ? Buffer.from(value) : value
    const length = Buffer.alloc(4)
    length.writeUInt32BE(bytes.length)
    parts.push(Buffer.of(name.length), Buffer.from(name, "latin1"), length, bytes)
  }
  return rawCommand("READY", Buffer.concat(parts))
}

/** Incremental reader: 64 greeting octets, then frames. Never throws; stops at a size over 2^32. */
export class FrameReader {
  greeting: Buffer | undefined
  readonly frames: RawFrame[] = []
  private pending: Buffer = Buffer.alloc(0)
  private broken = false

  constructor(private readonly onFrame: (frame: RawFrame) => void = () => {}, skipGreeting = false) {
    if (skipGreeting) this.greeting = Buffer.alloc(0)
  }

  push(chunk: Buffer): void {
    if (this.broken) return
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    if (this.greeting === undefined) {
      if (this.pending.length < 64) return
      this.greeting = this.pending.subarray(0, 64)
      this.pending = this.pending.subarray(64)
    }
    while (this.pending.length >= 2) {
      const flags = this.pending[0]!
      const long = (flags & 0x02) !== 0
      const headerSize = long ? 9 : 2
      if (this.pending.length < headerSize) return
      const size = long ? this.pending.readBigUInt64BE(1) : BigInt(this.pending[1]!)
      if (size > 0xffffffffn) return void (this.broken = true)
      if (this.pending.length < headerSize + Number(size)) return
      const body = this.pending.subarray(headerSize, headerSize + Number(size))
      this.pending = this.pending.subarray(headerSize + Number(size))
      const command = (flags & 0x04) !== 0
      const name = command && body.length > 0 && body[0]! + 1 <= body.length ? body.toString("latin1", 1, 1 + body[0]!) : ""
      const frame: RawFrame = { flags, body, more: (flags & 0x01) !== 0, command, name }
      this.frames.push(frame)
      this.onFrame(frame)
    }
  }
}

/** A raw client connection with everything it received, parsed. */
export class RawPeer {
  readonly reader: FrameReader
  /** Resolves when the connection is fully closed (by either side). */
  readonly closed: Promise<void>
  isClosed = false
  /** Every octet received. */
  received = Buffer.alloc(0)
  private waiters: (() => void)[] = []

  private constructor(readonly socket: Socket) {
    this.reader = new FrameReader(() => this.wake())
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
      this.reader.push(chunk)
      this.wake()
    })
    socket.on("error", () => {}) // ECONNRESET after the server drops us is expected
    this.closed = new Promise((resolve) => socket.once("close", () => {
      this.isClosed = true
      this.wake()
      resolve()
    }))
  }

  /**
   * Connects to tcp://host:port or ipc://path. `allowHalfOpen` keeps our side open after the
   * other side's FIN (a peer that never closes).
   */
  static connect(endpoint: string, options: { allowHalfOpen?: boolean } = {}): Promise<RawPeer> {
    const allowHalfOpen = options.allowHalfOpen ?? false
    const socket = endpoint.startsWith("tcp://")
      ? (() => {
        const at = endpoint.lastIndexOf(":")
        return netConnect({ host: endpoint.slice(6, at).replace(/^\[|\]$/g, ""), port: Number(endpoint.slice(at + 1)), allowHalfOpen })
      })()
      : netConnect({ path: endpoint.slice("ipc://".length), allowHalfOpen })
    socket.setNoDelay(true)
    return new Promise((resolve, reject) => {
      socket.once("error", reject)
      socket.once("connect", () => {
        socket.off("error", reject)
        resolve(new RawPeer(socket))
      })
    })
  }

  get frames(): RawFrame[] {
    return this.reader.frames
  }

  get commands(): RawFrame[] {
    return this.reader.frames.filter((f) => f.command)
  }

  send(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes)
  }

  /** Resolves once `condition()` holds (checked on every arrival and on close); rejects after `ms`. */
  waitFor(condition: () => boolean, ms = 3000, what = "condition"): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check)
        reject(new Error(`raw peer: ${what} not met within ${ms} ms`))
      }, ms)
      const check = () => {
        if (!condition()) return
        clearTimeout(timer)
        this.waiters = this.waiters.filter((w) => w !== check)
        resolve()
      }
      this.waiters.push(check)
    })
  }

  waitClosed(ms = 3000): Promise<void> {
    return this.waitFor(() => this.isClosed, ms, "close")
  }

  /** Sends greeting + READY as `socketType` and waits for the other side's greeting and READY. */
  async handshake(socketType: string, options: { minor?: number } = {}): Promise<RawFrame> {
    this.send(Buffer.concat([rawGreeting({ minor: options.minor ?? 1 }), rawReady([["Socket-Type", socketType]])]))
    await this.waitFor(() => this.commands.some((c) => c.name === "READY") || this.isClosed, 3000, "peer READY")
    const ready = this.commands.find((c) => c.name === "READY")
    if (!ready) throw new Error("raw peer: connection closed before READY")
    return ready
  }

  destroy(): void {
    this.socket.destroy()
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter()
  }
}

/**
 * A tcp relay between a connecting socket and a bound one that parses both directions, so a
 * test can count PINGs/PONGs of two real stacks. `onFrame(direction, frame)`: "up" = from the
 * connecting side.
 */
export class SniffingRelay {
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  readonly frames: { up: RawFrame[]; down: RawFrame[] } = { up: [], down: [] }
  endpoint = ""
  private listeners: (() => void)[] = []

  static async start(target: string): Promise<SniffingRelay> {
    const relay = new SniffingRelay()
    await relay.listen(target)
    return relay
  }

  count(direction: "up" | "down", name: string): number {
    return this.frames[direction].filter((f) => f.command && f.name === name).length
  }

  /** Resolves when `condition()` holds after some frame; rejects after `ms`. */
  waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check)
        reject(new Error(`relay: ${what} not met within ${ms} ms`))
      }, ms)
      const check = () => {
        if (!condition()) return
        clearTimeout(timer)
        this.listeners = this.listeners.filter((l) => l !== check)
        resolve()
      }
      this.listeners.push(check)
    })
  }

  close(): void {
    this.server?.close()
    for (const socket of this.sockets) socket.destroy()
  }

  private listen(target: string): Promise<void> {
    const at = target.lastIndexOf(":")
    const host = target.slice(6, at)
    const port = Number(target.slice(at + 1))
    this.server = createServer((client) => {
      const upstream = netConnect({ host, port })
      for (const s of [client, upstream]) {
        s.setNoDelay(true)
        s.on("error", () => {})
        this.sockets.add(s)
        s.once("close", () => this.sockets.delete(s))
      }
      const up = new FrameReader((f) => { this.frames.up.push(f); this.notify() })
      const down = new FrameReader((f) => { this.frames.down.push(f); this.notify() })
      client.on("data", (chunk: Buffer) => { up.push(chunk); upstream.write(chunk) })
      upstream.on("data", (chunk: Buffer) => { down.push(chunk); client.write(chunk) })
      client.once("close", () => upstream.destroy())
      upstream.once("close", () => client.destroy())
    })
    return new Promise((resolve) => {
      this.server!.listen({ host: "127.0.0.1", port: 0 }, () => {
        const address = this.server!.address() as { port: number }
        this.endpoint = `tcp://127.0.0.1:${address.port}`
        resolve()
      })
    })
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener()
  }
}
