// REQ (RFC 28) on Dealer behaviour: strict send/receive alternation (EFSM at once otherwise),
// the empty delimiter added on send and stripped on receive, and only the reply from the peer
// that got the request accepted. `relaxed` lets a new request abandon the pending one;
// `correlate` tags requests with an id and drops replies to older ones (libzmq req.cpp).
import { randomInt } from "node:crypto"
import { zmqError } from "../errors.js"
import { requestIdFrame, unwrapReply, wrapRequest } from "../pattern/envelope.js"
import type { MessageInput } from "../message.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { DealerBase } from "./dealer.js"
import type { SocketOptions } from "./options.js"

export interface RequestOptions extends SocketOptions {
  routingId?: string | null
  probeRouter?: boolean
  /** A send while a reply is pending abandons that request instead of failing with EFSM. */
  relaxed?: boolean
  /** Prefix each request with an id and drop replies that do not carry the latest one. */
  correlate?: boolean
}

export interface Request<Value = Buffer[], SendValue = MessageInput> extends Required<RequestOptions> {}

export class Request<Value = Buffer[], SendValue = MessageInput> extends DealerBase implements AsyncIterable<Value> {
  private awaitingReply = false
  private replyPipe: Pipe | undefined
  private requestId = randomInt(0, 2 ** 32)
  private currentId: Buffer | undefined

  constructor(options: RequestOptions = {}) {
    super("REQ", options)
  }

  /** Sends a request; rejects with EFSM while a reply is pending (unless `relaxed`). */
  send(message: SendValue): Promise<void> {
    return this.sendMessage(message)
  }

  /** The reply to the last request; rejects with EFSM when no request is pending. */
  receive(): Promise<Value> {
    if (!this.closed && !this.awaitingReply) {
      return Promise.reject(zmqError("EFSM", "Request: send a request before receiving"))
    }
    return this.receiveMessage() as Promise<Value>
  }

  /** Goes through receive(), so iterating out of turn rejects with EFSM instead of hanging. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Value, void, undefined> {
    while (!this.closed) {
      try {
        yield await this.receive()
      } catch (error) {
        if (this.closed) return
        throw error
      }
    }
  }

  protected override get xhasIn(): boolean { return this.awaitingReply && this.fq.hasReady }
  protected override get xhasOut(): boolean {
    return (!this.awaitingReply || this.options.relaxed === true) && this.lb.hasReady
  }

  protected override xsend(message: Message): boolean {
    if (this.awaitingReply && this.options.relaxed !== true) {
      throw zmqError("EFSM", "Request: receive the reply before sending again")
    }
    const id = this.options.correlate === true ? requestIdFrame(this.requestId) : undefined
    const pipe = this.sendToNext(wrapRequest(message, id))
    if (!pipe) return false
    this.requestId = (this.requestId + 1) >>> 0
    this.currentId = id
    this.replyPipe = pipe
    this.awaitingReply = true
    return true
  }

  protected override xreceive(): Message | undefined {
    if (!this.awaitingReply) return undefined
    for (let next = this.fq.receiveFrom(); next; next = this.fq.receiveFrom()) {
      // Replies from other peers, and malformed or stale ones, are dropped silently.
      if (next.pipe !== this.replyPipe) continue
      const body = unwrapReply(next.message, this.currentId)
      if (body === undefined) continue
      this.awaitingReply = false
      this.replyPipe = undefined
      return body
    }
    return undefined
  }
}
