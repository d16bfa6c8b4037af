// REP (RFC 28) on Router behaviour: a request's envelope (routing id, route frames, delimiter)
// is saved between receive and send, so each reply goes back to its own requester. Strict
// receive/send alternation (EFSM at once otherwise); requests without a delimiter are dropped.
import { zmqError } from "../errors.js"
import { splitEnvelope } from "../pattern/envelope.js"
import type { MessageInput } from "../message.js"
import type { Message } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { RouterBase } from "./router.js"

export interface ReplyOptions extends SocketOptions {
  routingId?: string | null
}

export interface Reply<Value = Buffer[], SendValue = MessageInput> extends Required<ReplyOptions> {}

export class Reply<Value = Buffer[], SendValue = MessageInput> extends RouterBase implements AsyncIterable<Value> {
  /** The envelope of the request being answered; set while a reply is owed. */
  private envelope: Message | undefined

  constructor(options: ReplyOptions = {}) {
    super("REP", options)
  }

  /** Replies to the last request received; rejects with EFSM when none is pending. */
  send(message: SendValue): Promise<void> {
    return this.sendMessage(message)
  }

  /** The next request (fair-queued); rejects with EFSM while a reply is owed. */
  receive(): Promise<Value> {
    if (!this.closed && this.envelope !== undefined) {
      return Promise.reject(zmqError("EFSM", "Reply: send the reply before receiving again"))
    }
    return this.receiveMessage() as Promise<Value>
  }

  /** Goes through receive(), so iterating out of turn rejects with EFSM instead of hanging. */
  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages(() => this.receive()) as AsyncGenerator<Value>
  }

  protected override get xhasIn(): boolean { return this.envelope === undefined && this.fq.hasReady }
  protected override get xhasOut(): boolean { return this.envelope !== undefined }

  protected override xsend(message: Message): boolean {
    const envelope = this.envelope
    if (envelope === undefined) throw zmqError("EFSM", "Reply: receive a request before replying")
    this.envelope = undefined
    // Router semantics without `mandatory`: a requester that is gone or full loses its reply.
    super.xsend([...envelope, ...message])
    return true
  }

  protected override xreceive(): Message | undefined {
    if (this.envelope !== undefined) return undefined
    for (let request = super.xreceive(); request; request = super.xreceive()) {
      // Frame 0 is the routing id the Router part prepended; the delimiter comes after it.
      const split = splitEnvelope(request, 1)
      if (split === undefined) continue // malformed: dropped, as libzmq rep_t does
      this.envelope = split.envelope
      return split.body
    }
    return undefined
  }
}
