// PAIR (RFC 31): exactly one peer; a second connection is refused while the first lives.
import type { MessageInput } from "../message.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface Pair<Value = Buffer[], SendValue = MessageInput> extends Required<SocketOptions> {}

export class Pair<Value = Buffer[], SendValue = MessageInput> extends SocketBase implements AsyncIterable<Value> {
  private peer: Pipe | undefined

  constructor(options: SocketOptions = {}) {
    super("PAIR", options)
  }

  send(message: SendValue): Promise<void> {
    return this.sendMessage(message)
  }

  receive(): Promise<Value> {
    return this.receiveMessage() as Promise<Value>
  }

  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages() as AsyncGenerator<Value>
  }

  protected override get xhasIn(): boolean { return (this.peer?.inbound.length ?? 0) > 0 || (this.leftover?.inbound.length ?? 0) > 0 }
  protected override get xhasOut(): boolean { return this.peer?.writable ?? false }
  protected xsend(message: Message): boolean {
    const peer = this.peer
    if (!peer || !peer.writable) return false
    peer.write(message)
    return true
  }

  protected xreceive(): Message | undefined {
    const message = this.peer?.read()
    if (message !== undefined) return (this.readFrom = this.peer), message
    this.readFrom = this.leftover
    return this.leftover?.read()
  }

  /** The pipe of the last message read (receiveMetadata). */
  private readFrom: Pipe | undefined
  protected override get xreceivedFrom(): Pipe | undefined { return this.readFrom }

  /** A pipe that went away with messages still unread; read out before it is forgotten. */
  private leftover: Pipe | undefined

  protected xattach(pipe: Pipe): boolean {
    if (this.peer) return false
    this.peer = pipe
    return true
  }

  protected xdetach(pipe: Pipe): void {
    if (this.peer !== pipe) return
    this.peer = undefined
    if (pipe.inbound.length > 0) this.leftover = pipe
  }
}
