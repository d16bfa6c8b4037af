// A userspace TCP proxy for the faults this kernel's tc cannot make (no netem): added latency, a
// bandwidth cap, a connection cut in the middle of a frame, and a blackhole (bytes accepted and
// never delivered, connections left open: what a dead route looks like to TCP).
//
//   client ──> 127.0.0.1:<proxy.port> ──[latency, cap, cut, blackhole]──> target
import { createConnection, createServer, type Server, type Socket } from "node:net"

export interface ProxyShape {
  /** Milliseconds added to every chunk, each way. */
  latency?: number
  /** Bytes per second, each way (0 = unlimited). */
  bytesPerSecond?: number
}

export class TcpProxy {
  private readonly server: Server
  private readonly pairs = new Set<[Socket, Socket]>()
  private shape: Required<ProxyShape> = { latency: 0, bytesPerSecond: 0 }
  private blackholed = false
  private cutAfter: number | undefined
  port = 0
  connections = 0

  private constructor(private readonly targetHost: string, private readonly targetPort: number) {
    this.server = createServer((client) => this.accept(client))
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort)
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve))
    proxy.port = (proxy.server.address() as { port: number }).port
    return proxy
  }

  setShape(shape: ProxyShape): void {
    this.shape = { latency: shape.latency ?? 0, bytesPerSecond: shape.bytesPerSecond ?? 0 }
  }

  /** Bytes still pass for the next `bytes` octets towards the target, then every pair is destroyed mid-stream. */
  cutAfterBytes(bytes: number): void {
    this.cutAfter = bytes
  }

  /** Swallows every byte from now on, both ways, keeping the connections open. */
  blackhole(on: boolean): void {
    this.blackholed = on
  }

  async close(): Promise<void> {
    for (const [a, b] of this.pairs) { a.destroy(); b.destroy() }
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(client: Socket): void {
    this.connections++
    const upstream = createConnection(this.targetPort, this.targetHost)
    const pair: [Socket, Socket] = [client, upstream]
    this.pairs.add(pair)
    const end = () => { client.destroy(); upstream.destroy(); this.pairs.delete(pair) }
    client.on("error", end).on("close", end)
    upstream.on("error", end).on("close", end)
    this.pipe(client, upstream, true, end)
    this.pipe(upstream, client, false, end)
  }

  private pipe(from: Socket, to: Socket, towardsTarget: boolean, end: () => void): void {
    let chain = Promise.resolve()
    from.on("data", (chunk: Buffer) => {
      if (this.blackholed) return
      if (towardsTarget && this.cutAfter !== undefined) {
        const pass = Math.min(this.cutAfter, chunk.length)
        this.cutAfter -= pass
        if (this.cutAfter === 0) {
          this.cutAfter = undefined
          to.write(chunk.subarray(0, pass), end) // the rest of the frame never comes
          return
        }
      }
      const { latency, bytesPerSecond } = this.shape
      if (latency === 0 && bytesPerSecond === 0) { to.write(chunk); return }
      const delay = latency + (bytesPerSecond > 0 ? (chunk.length / bytesPerSecond) * 1000 : 0)
      from.pause()
      chain = chain.then(() => new Promise<void>((resolve) => setTimeout(() => {
        if (!to.destroyed) to.write(chunk)
        from.resume()
        resolve()
      }, delay)))
    })
  }
}
