// udp:// for Radio/Dish in libzmq's datagram format: one message per datagram, laid out as
// [group length: 1 octet][group][body]. Radios send (connect), Dishes receive (bind); a
// multicast address joins or sends to that group, `iface;` picks the interface. There is no
// connection, handshake or flow control: a datagram that finds a full queue is dropped.
import { createSocket, type Socket as DgramSocket } from "node:dgram"
import { isIP } from "node:net"
import { zmqError } from "../errors.js"
import type { Message, Pipe, PipeEngine } from "../pipe/pipe.js"
import { FlushRequest } from "../util/flush-scheduler.js"
import { GROUP_MAX_LENGTH } from "../zmtp/constants.js"
import type { Endpoint } from "../transport/endpoint.js"

export type UdpEndpoint = Extract<Endpoint, { transport: "udp" }>

/** libzmq's MAX_UDP_MSG: a libzmq Dish reads at most this many octets per datagram. */
export const MAX_DATAGRAM = 8192

/**
 * Checks that a message fits one datagram: [group, body], a group of at most 255 octets, and
 * at most MAX_DATAGRAM octets in all. Throws EINVAL or EMSGSIZE (at send(), never dropped later).
 */
export function checkDatagram(message: Message): void {
  const [group, body] = message
  if (message.length !== 2 || group!.length > GROUP_MAX_LENGTH) {
    throw zmqError("EINVAL", `Over udp:// a message is [group or topic of at most ${GROUP_MAX_LENGTH} octets, body]`)
  }
  if (1 + group!.length + body!.length > MAX_DATAGRAM) {
    throw zmqError("EMSGSIZE", `A udp datagram holds at most ${MAX_DATAGRAM} octets of group and body`)
  }
}

/** A pipe to a udp:// endpoint: no subscriptions or joins come back over it, so it gets everything. */
export function isUdpPipe(pipe: Pipe): boolean {
  return pipe.endpoint.startsWith("udp://")
}

/** [group, body], or undefined for a datagram that is not one (too short for its group). */
export function decodeDatagram(datagram: Buffer): Message | undefined {
  if (datagram.length < 1) return undefined
  const groupEnd = 1 + datagram[0]!
  if (groupEnd > datagram.length) return undefined
  // Node gives every datagram its own buffer: views are safe.
  return [datagram.subarray(1, groupEnd), datagram.subarray(groupEnd)]
}

function isMulticast(host: string): boolean {
  if (isIP(host) === 4) return Number(host.split(".")[0]) >= 224 && Number(host.split(".")[0]) <= 239
  return isIP(host) === 6 && host.toLowerCase().startsWith("ff")
}

function newSocket(host: string): DgramSocket {
  const socket = createSocket({ type: isIP(host) === 6 ? "udp6" : "udp4", reuseAddr: isMulticast(host) })
  socket.unref()
  return socket
}

/** Sends a Radio pipe's messages as datagrams to one address (unicast or a multicast group). */
export class UdpSender implements PipeEngine {
  private readonly socket: DgramSocket
  private readonly flushRequest = new FlushRequest(this)
  private closed = false

  constructor(private readonly pipe: Pipe, private readonly endpoint: UdpEndpoint, hops: number) {
    this.socket = newSocket(endpoint.host)
    this.socket.on("error", () => {}) // a datagram that cannot leave is lost, as UDP is
    if (isMulticast(endpoint.host)) {
      this.socket.bind(0, () => {
        if (this.closed) return
        this.socket.setMulticastTTL(hops)
        this.socket.setMulticastLoopback(true)
        if (endpoint.iface) this.socket.setMulticastInterface(endpoint.iface)
      })
    }
  }

  requestFlush(): void {
    if (!this.closed) this.flushRequest.request()
  }

  flush(): void {
    this.pipe.commands.clear() // JOIN/LEAVE and subscriptions do not travel over udp
    for (let message = this.pipe.takeOutbound(); message && !this.closed; message = this.pipe.takeOutbound()) {
      // Radio and Publisher passed every message through checkDatagram() before queueing it.
      const [group, body] = message as [Buffer, Buffer]
      // Sent as parts: the body is not copied into a datagram buffer.
      this.socket.send([Buffer.of(group.length), group, body], this.endpoint.port, this.endpoint.host)
    }
  }

  resumeReading(): void {}

  close(): void {
    if (this.closed) return
    this.closed = true
    this.pipe.detach(this)
    this.socket.close()
  }
}

/** Receives datagrams for a Dish on a bound port, optionally joining a multicast group. */
export class UdpReceiver implements PipeEngine {
  private readonly socket: DgramSocket
  private full = false
  private closed = false

  private constructor(private readonly pipe: Pipe, socket: DgramSocket) {
    this.socket = socket
    socket.on("message", (datagram) => this.onDatagram(datagram))
    socket.on("error", () => {}) // receive errors on a bound UDP socket are not fatal
  }

  /** Binds the port (and joins the group); rejects with EADDRINUSE, EINVAL... */
  static async open(pipe: Pipe, endpoint: UdpEndpoint): Promise<UdpReceiver> {
    const multicast = isMulticast(endpoint.host)
    const socket = newSocket(endpoint.host)
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject)
      socket.bind({ port: endpoint.port, ...(multicast ? {} : { address: endpoint.host }) }, () => {
        socket.off("error", reject)
        resolve()
      })
    }).catch((error: NodeJS.ErrnoException) => {
      socket.close()
      const code = error.code === "EADDRINUSE" ? "EADDRINUSE" : "EINVAL"
      throw zmqError(code, `bind ${endpoint.address} failed: ${error.message}`, { address: endpoint.address, cause: error })
    })
    if (multicast) {
      try {
        socket.addMembership(endpoint.host, endpoint.iface)
      } catch (error) {
        socket.close()
        throw zmqError("EINVAL", `bind ${endpoint.address}: cannot join the multicast group: ${(error as Error).message}`, { address: endpoint.address, cause: error })
      }
    }
    return new UdpReceiver(pipe, socket)
  }

  /** The bound port (the endpoint may have asked for port 0 / *). */
  get port(): number {
    return this.socket.address().port
  }

  private onDatagram(datagram: Buffer): void {
    if (this.closed || this.full) return // no flow control on udp: a full queue drops
    const message = decodeDatagram(datagram)
    if (message) this.full = !this.pipe.deliver(message)
  }

  /** Commands (a Subscriber's subscriptions, a Dish's joins) have nowhere to go over udp: drop them. */
  requestFlush(): void {
    this.pipe.commands.clear()
  }

  flush(): void {}

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
