// SERVER (libzmq draft socket, zeromq.js draft `Server`): talks to CLIENTs. Each message comes
// with the routing id (a number) of the client that sent it, and a reply goes to the client
// named in send()'s options. Single-part messages; fair-queued in.
import { zmqError } from "../errors.js"
import type { MessageInput } from "../message.js"
import { FairQueue } from "../pattern/fair-queue.js"
import { NumberedPeers } from "../pattern/numbered-peers.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { assertSinglePart } from "./single-part.js"
import { SocketBase } from "./socket-base.js"

export interface ServerRoutingOptions {
  /** The client a message came from, or goes to. */
  routingId: number
}

/** What receive() gives: the body and the routing id of the client that sent it. */
export type ServerMessage<Value = Buffer> = [Value, ServerRoutingOptions]

export interface Server<Value = Buffer, SendValue = MessageInput> extends Required<SocketOptions> {}

export class Server<Value = Buffer, SendValue = MessageInput> extends SocketBase implements AsyncIterable<ServerMessage<Value>> {
  private readonly fq = new FairQueue()
  private readonly peers = new NumberedPeers()

  constructor(options: SocketOptions = {}) {
    super("SERVER", options)
  }

  /**
   * Sends to the client `routingId`; rejects with EHOSTUNREACH when no such client is
   * connected, and waits while that client's queue is full.
   *
   *     for await (const [msg, { routingId }] of server) await server.send(reply, { routingId })
   */
  send(message: SendValue, options: ServerRoutingOptions): Promise<void> {
    const id = options?.routingId
    if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) {
      return Promise.reject(zmqError("EINVAL", "routingId must be an integer from 1 to 2^32-1"))
    }
    const frame = Buffer.allocUnsafe(4)
    frame.writeUInt32BE(id, 0)
    return this.sendMessage(this.options.codec !== null ? [frame, message] : [frame, ...asParts(message)])
  }

  async receive(): Promise<ServerMessage<Value>> {
    const [id, body] = (await this.receiveMessage()) as [Buffer, Value]
    return [body, { routingId: id.readUInt32BE(0) }]
  }

  [Symbol.asyncIterator](): AsyncIterator<ServerMessage<Value>> {
    return this.messages(() => this.receive()) as AsyncGenerator<ServerMessage<Value>>
  }

  protected override get envelopeSize(): number { return 1 }
  protected override get xhasIn(): boolean { return this.fq.hasReady }
  // Whether a send is queued depends on its client; an unknown one never waits.
  protected override get xhasOut(): boolean { return true }

  protected xsend(message: Message): boolean {
    assertSinglePart(message, 1)
    const pipe = this.peers.lookup(message[0]!.readUInt32BE(0))
    if (pipe === undefined || pipe.terminated) throw zmqError("EHOSTUNREACH", "Host unreachable")
    if (!pipe.writable) return false
    pipe.write([message[1]!])
    return true
  }

  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined {
    for (let message = this.fq.receive(); message; message = this.fq.receive()) {
      const id = this.fq.lastPipe!.routingId
      // Multipart messages are dropped, as libzmq's SERVER drops them.
      if (id !== undefined && message.length === 1) return [id, message[0]!]
    }
    return undefined
  }

  protected xattach(pipe: Pipe): boolean {
    this.peers.add(pipe)
    this.fq.attach(pipe)
    return true
  }

  protected xdetach(pipe: Pipe): void {
    this.peers.remove(pipe)
    this.fq.detach(pipe)
    // A send waiting for this client's room now fails with EHOSTUNREACH instead of waiting forever.
    this.wakeSender()
  }

  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }
}

/** A message as the list of its parts (an array is a multipart message). */
function asParts(message: unknown): unknown[] {
  return Array.isArray(message) ? message : [message]
}
