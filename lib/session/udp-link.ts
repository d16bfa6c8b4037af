// The socket side of udp:// (Radio connects, Dish binds): one pipe per endpoint, connected at
// once (there is no handshake), carried by a UdpSender or UdpReceiver engine.
import { isIP } from "node:net"
import { zmqError, type ZmqError } from "../errors.js"
import { UdpReceiver, UdpSender, type UdpEndpoint } from "../engine/dgram-engine.js"
import { RawDatagramEngine } from "../engine/raw-dgram-engine.js"
import type { Pipe } from "../pipe/pipe.js"
import type { ConnectionOwner } from "./connection-owner.js"

/** libzmq's ZMQ_MULTICAST_HOPS default: multicast stays on the local network. */
const MULTICAST_HOPS = 1

/**
 * Which socket types may use udp:// in which direction: senders connect, receivers bind
 * (libzmq: RADIO and DISH; Publisher and Subscriber are our own mapping onto the same datagrams).
 */
export function checkUdpUse(owner: ConnectionOwner, endpoint: UdpEndpoint, bind: boolean): void {
  // DGRAM (raw datagrams) sends and receives on one socket, bound or connected.
  const allowed = bind ? ["DISH", "SUB", "DGRAM"] : ["RADIO", "PUB", "DGRAM"]
  if (!allowed.includes(owner.type)) {
    const what = `udp:// ${bind ? "bind" : "connect"} is for ${allowed.join(" and ")} sockets, not ${owner.type}`
    throw zmqError("ENOCOMPATPROTO", what, { address: endpoint.address })
  }
  // Node selects multicast interfaces by address only (libzmq also takes names like eth0).
  if (endpoint.iface !== undefined && isIP(endpoint.iface) === 0) {
    throw zmqError("EINVAL", `udp interface ${JSON.stringify(endpoint.iface)} must be the interface's IP address`, { address: endpoint.address })
  }
}

function openPipe(owner: ConnectionOwner, address: string): Pipe | undefined {
  const pipe = owner.createPipe(address)
  if (!owner.attachPipe(pipe)) {
    pipe.terminate()
    return undefined
  }
  return pipe
}

/** A udp pipe is connected as soon as it exists; its "peer" is whoever sends or listens. */
function connectPipe(owner: ConnectionOwner, pipe: Pipe, engine: UdpSender | UdpReceiver | RawDatagramEngine, peerType: string, address: string): void {
  pipe.attach(engine, { socketType: peerType, identity: undefined, metadata: new Map(), minor: 1, address })
  owner.pipeConnected(pipe)
}

/** A Radio's or Publisher's udp:// connect: every message goes out as a datagram. */
export class UdpConnection {
  private pipe: Pipe | undefined

  constructor(private readonly owner: ConnectionOwner, private readonly endpoint: UdpEndpoint) {}

  get address(): string {
    return this.endpoint.address
  }

  start(): void {
    const pipe = openPipe(this.owner, this.endpoint.address)
    if (!pipe) return
    this.pipe = pipe
    if (this.owner.type === "DGRAM") return void this.startRaw(pipe)
    connectPipe(this.owner, pipe, new UdpSender(pipe, this.endpoint, MULTICAST_HOPS), "DISH", this.endpoint.address)
    this.owner.emit({ type: "connect", address: this.endpoint.address })
  }

  /** DGRAM: a socket on an ephemeral port, so that replies to what it sends come back. */
  private async startRaw(pipe: Pipe): Promise<void> {
    try {
      const engine = await RawDatagramEngine.open(pipe, this.endpoint, 0, undefined)
      if (this.pipe !== pipe) return engine.close() // stopped meanwhile
      connectPipe(this.owner, pipe, engine, "DGRAM", this.endpoint.address)
      this.owner.emit({ type: "connect", address: this.endpoint.address })
    } catch (error) {
      this.owner.emit({ type: "close:error", address: this.endpoint.address, error: error as ZmqError })
    }
  }

  stop(): void {
    const pipe = this.pipe
    this.pipe = undefined
    if (!pipe) return
    pipe.engine?.flush()
    this.owner.pipeDisconnected(pipe)
    this.owner.detachPipe(pipe)
    pipe.terminate()
  }
}

/** A Dish's or Subscriber's udp:// bind: datagrams on the port (and group) become messages. */
export class UdpBinding {
  private constructor(
    private readonly owner: ConnectionOwner,
    readonly requested: UdpEndpoint,
    readonly endpoint: string,
    private readonly pipe: Pipe,
  ) {}

  static async open(owner: ConnectionOwner, endpoint: UdpEndpoint): Promise<UdpBinding> {
    const pipe = openPipe(owner, endpoint.address)
    if (!pipe) throw zmqError("EINVAL", `Socket refused the udp endpoint ${endpoint.address}`)
    let receiver: UdpReceiver | RawDatagramEngine
    try {
      receiver = owner.type === "DGRAM"
        ? await RawDatagramEngine.open(pipe, endpoint, endpoint.port, endpoint.host)
        : await UdpReceiver.open(pipe, endpoint)
    } catch (error) {
      owner.detachPipe(pipe)
      pipe.terminate()
      throw error
    }
    // Port 0 or * asked the OS for one: lastEndpoint says which.
    const resolved = endpoint.port === 0 ? endpoint.address.replace(/:(0|\*)$/, `:${receiver.port}`) : endpoint.address
    connectPipe(owner, pipe, receiver, owner.type === "DGRAM" ? "DGRAM" : "RADIO", resolved)
    return new UdpBinding(owner, endpoint, resolved, pipe)
  }

  /** Nothing to stop: a bound udp port has no connections to accept. */
  stopAccepting(): void {}

  close(): void {
    if (this.pipe.terminated) return
    this.owner.pipeDisconnected(this.pipe)
    this.owner.detachPipe(this.pipe)
    this.pipe.terminate()
    this.owner.emit({ type: "close", address: this.endpoint })
  }
}
