// DGRAM (libzmq draft socket, zeromq.js draft `Datagram`): raw UDP over udp:// only, no ZeroMQ
// framing on the wire. receive() gives [address, body] for each datagram; send([address, body])
// sends body to that address, so echoing the address frame replies to the sender. One udp
// endpoint per socket (bind a port, or connect to send from an ephemeral one), as in libzmq.
import { zmqError } from "../errors.js"
import type { MessageInput } from "../message.js"
import { parseDatagramAddress } from "../engine/raw-dgram-engine.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { ConnectOptions } from "./socket-base.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface Datagram<Value = Buffer> extends Required<SocketOptions> {}

export class Datagram<Value = Buffer> extends SocketBase implements AsyncIterable<[Buffer, Value]> {
  private pipe: Pipe | undefined

  constructor(options: SocketOptions = {}) {
    super("DGRAM", options)
  }

  /** Binds a udp:// port (0 or *: any free one); other transports are ENOCOMPATPROTO. */
  override bind(address: string): Promise<void> {
    if (!address.startsWith("udp://")) return Promise.reject(udpOnly(address))
    return super.bind(address)
  }

  override connect(address: string, options?: ConnectOptions): void {
    if (!address.startsWith("udp://")) throw udpOnly(address)
    super.connect(address, options)
  }

  /**
   * Sends `body` as one datagram to `address` ("ip:port", "[ipv6]:port" or "host:port").
   *
   *     for await (const [address, body] of dgram) await dgram.send([address, body])
   */
  send(message: [MessageInput, MessageInput]): Promise<void> {
    return this.sendMessage(message)
  }

  /** The next datagram as [sender address ("ip:port"), body]. */
  receive(): Promise<[Buffer, Value]> {
    return this.receiveMessage() as Promise<[Buffer, Value]>
  }

  [Symbol.asyncIterator](): AsyncIterator<[Buffer, Value]> {
    return this.messages() as AsyncGenerator<[Buffer, Value]>
  }

  protected override get envelopeSize(): number { return 1 }
  protected override get xhasIn(): boolean { return (this.pipe?.inbound.length ?? 0) > 0 }
  protected override get xhasOut(): boolean { return this.pipe?.writable ?? false }

  protected xsend(message: Message): boolean {
    if (message.length !== 2) throw zmqError("EINVAL", "A datagram message is [address, body]")
    if (!parseDatagramAddress(message[0]!.toString())) {
      throw zmqError("EINVAL", `Datagram address ${JSON.stringify(message[0]!.toString())} is not host:port`)
    }
    if (!this.pipe?.writable) return false
    this.pipe.write(message)
    return true
  }

  protected xreceive(): Message | undefined {
    return this.pipe?.read()
  }

  protected override get xreceivedFrom(): Pipe | undefined { return this.pipe }

  /** One endpoint only (libzmq's DGRAM takes a single pipe): a second bind or connect is refused. */
  protected xattach(pipe: Pipe): boolean {
    if (this.pipe) return false
    this.pipe = pipe
    return true
  }

  protected xdetach(pipe: Pipe): void {
    if (this.pipe === pipe) this.pipe = undefined
  }
}

function udpOnly(address: string) {
  return zmqError("ENOCOMPATPROTO", "Datagram sockets use udp:// only", { address })
}
