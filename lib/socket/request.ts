// REQ (RFC 28) on Dealer behaviour: strict send/receive alternation (EFSM at once otherwise),
// the empty delimiter added on send and stripped on receive, and only the reply from the peer
// that got the request accepted. `relaxed` lets a new request abandon the pending one;
// `correlate` tags requests with an id and drops replies to older ones (libzmq req.cpp).
import { randomInt } from "node:crypto"
import { zmqError } from "../errors.js"
import { requestIdFrame, unwrapReply, wrapRequest } from "../pattern/envelope.js"
import type { MessageInput } from "../message.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { lazyPirate, type LazyPirateOptions } from "../reliable/lazy-pirate.js"
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
  /** A request() is running: its attempts are tagged and may abandon each other. */
  private pirating = false

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

  /**
   * Extension (Lazy Pirate, zguide ch. 4): sends, waits up to `timeout` ms for the reply, and on
   * silence abandons the attempt and re-sends to the next peer, `retries` times, then rejects with
   * EAGAIN. Attempts are tagged (as with `correlate`), so a late reply is never taken for the
   * answer to a newer attempt; afterwards the socket is ready to send again (never stuck in EFSM).
   *
   *     const reply = await req.request("ping", { timeout: 1000, retries: 2 })
   */
  async request(message: SendValue, options: LazyPirateOptions = {}): Promise<Value> {
    if (this.pirating) throw zmqError("EBUSY", "Request: a request() is already running")
    if (this.awaitingReply && this.options.relaxed !== true) throw zmqError("EFSM", "Request: receive the reply before sending again")
    this.pirating = true
    try {
      return await lazyPirate(async (ms) => {
        await this.withTimeout("sendTimeout", ms, () => this.sendMessage(message))
        return (await this.withTimeout("receiveTimeout", ms, () => this.receiveMessage())) as Value
      }, options, () => this.closed)
    } finally {
      this.pirating = false
      this.awaitingReply = false // answered, or given up: a late reply is dropped (tagged)
      this.replyPipe = undefined
    }
  }

  /** Runs `call` (which reads the option synchronously) with option `name` set to `ms`. */
  private withTimeout<T>(name: "sendTimeout" | "receiveTimeout", ms: number, call: () => T): T {
    const saved = this.options[name]
    this.options[name] = ms
    try { return call() } finally { this.options[name] = saved }
  }

  /** Goes through receive(), so iterating out of turn rejects with EFSM instead of hanging. */
  [Symbol.asyncIterator](): AsyncIterator<Value> {
    return this.messages(() => this.receive()) as AsyncGenerator<Value>
  }

  protected override get xhasIn(): boolean { return this.awaitingReply && this.fq.hasReady }
  protected override get xhasOut(): boolean {
    return (!this.awaitingReply || this.options.relaxed === true || this.pirating) && this.lb.hasReady
  }

  protected override xsend(message: Message): boolean {
    if (this.awaitingReply && this.options.relaxed !== true && !this.pirating) {
      throw zmqError("EFSM", "Request: receive the reply before sending again")
    }
    const id = this.options.correlate === true || this.pirating ? requestIdFrame(this.requestId) : undefined
    const pipe = this.lb.send(wrapRequest(message, id))
    if (!pipe) return false
    this.requestId = (this.requestId + 1) >>> 0
    this.currentId = id
    this.replyPipe = pipe
    this.awaitingReply = true
    return true
  }

  protected override xreceive(): Message | undefined {
    if (!this.awaitingReply) return undefined
    for (let message = this.fq.receive(); message; message = this.fq.receive()) {
      // Replies from other peers, and malformed or stale ones, are dropped silently.
      if (this.fq.lastPipe !== this.replyPipe) continue
      const body = unwrapReply(message, this.currentId)
      if (body === undefined) continue
      this.awaitingReply = false
      this.replyPipe = undefined
      return body
    }
    return undefined
  }
}
