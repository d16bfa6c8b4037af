// udp:// for DGRAM sockets (libzmq's draft ZMQ_DGRAM): plain UDP datagrams, no ZeroMQ framing
// at all. Every datagram that arrives becomes the message [sender address, body], and every
// message [address, body] leaves as one datagram to that address ("ip:port", "[ipv6]:port"
// or "host:port"), so a reply goes back by echoing the address frame. The same socket sends
// and receives; bound to the endpoint's port, or to an ephemeral one for a connect.
import { createSocket, type Socket as DgramSocket } from "node:dgram"
import { isIP } from "node:net"
import { zmqError } from "../errors.js"
import type { Message, Pipe, PipeEngine } from "../pipe/pipe.js"
import { FlushRequest } from "../util/flush-scheduler.js"
import type { UdpEndpoint } from "./dgram-engine.js"

/**
 * "host:port" or "[ipv6]:port" as host and port; undefined when it is not one. A trailing 0x00
 * is allowed: libzmq writes its address frames as C strings.
 */
export function parseDatagramAddress(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:\0]+)):(\d{1,5})\0?$/.exec(address)
  const port = Number(match?.[3])
  if (!match || port < 1 || port > 65535) return undefined
  return { host: match[1] ?? match[2]!, port }
}

/** The address frame of a received datagram, as libzmq writes it. */
function formatAddress(host: string, port: number): Buffer {
  return Buffer.from(isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`)
}

export class RawDatagramEngine implements PipeEngine {
  private readonly flushRequest = new FlushRequest(this)
  private full = false
  private closed = false

  private constructor(private readonly pipe: Pipe, private readonly socket: DgramSocket) {
    socket.on("message", (body, from) => this.onDatagram(body, from.address, from.port))
    socket.on("error", () => {}) // a datagram that cannot leave, or a stray ICMP error, is lost as UDP is
  }

  /** Binds `port` (0: any free one) on the endpoint's host; rejects with EADDRINUSE or EINVAL. */
  static async open(pipe: Pipe, endpoint: UdpEndpoint, port: number, host: string | undefined): Promise<RawDatagramEngine> {
    const socket = createSocket({ type: isIP(endpoint.host) === 6 ? "udp6" : "udp4" })
    socket.unref()
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject)
      socket.bind({ port, ...(host === undefined ? {} : { address: host }) }, () => {
        socket.off("error", reject)
        resolve()
      })
    }).catch((error: NodeJS.ErrnoException) => {
      socket.close()
      const code = error.code === "EADDRINUSE" ? "EADDRINUSE" : "EINVAL"
      throw zmqError(code, `bind ${endpoint.address} failed: ${error.message}`, { address: endpoint.address, cause: error })
    })
    return new RawDatagramEngine(pipe, socket)
  }

  /** The bound port. */
  get port(): number {
    return this.socket.address().port
  }

  private onDatagram(body: Buffer, host: string, port: number): void {
    if (this.closed || this.full) return // no flow control on udp: a full queue drops
    this.full = !this.pipe.deliver([formatAddress(host, port), body])
  }

  requestFlush(): void {
    if (!this.closed) this.flushRequest.request()
  }

  flush(): void {
    for (let message = this.pipe.takeOutbound(); message && !this.closed; message = this.pipe.takeOutbound()) {
      this.sendDatagram(message)
    }
  }

  /** The Datagram socket checked the address before queueing; send() resolves names itself. */
  private sendDatagram([address, body]: Message): void {
    const to = parseDatagramAddress(address!.toString())
    if (to) this.socket.send(body!, to.port, to.host)
  }

  resumeReading(): void {
    this.full = false
  }


  close(): void {
    if (this.closed) return
    this.closed = true
    this.pipe.detach(this)
    this.socket.close()
  }
}
