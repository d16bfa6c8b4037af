// The socket's edge for messages: send() encodes with the socket's codec and hands whole
// messages to the pattern, receive() takes them back and decodes them; each parks at most one
// call that the pattern wakes when a pipe turns writable or readable (zeromq.js semantics:
// EBUSY for a second waiting call, EAGAIN on timeout or when the timeout is 0).
import { decodeFromWire, encodeForWire } from "../codec/message-codec.js"
import { zmqError, type ZmqError } from "../errors.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { immediateReceive, immediateSend } from "../util/burst.js"
import type { Counters } from "../util/counters.js"
import type { OptionValues } from "./options.js"
import { attachMetadata } from "./message-metadata.js"
import { Parked } from "./parked.js"

/** What the flow needs from its socket (the socket type's x* hooks, through its base). */
export interface FlowHost {
  readonly closed: boolean
  /** Frames before the payload that the codec leaves alone (Router: the routing id). */
  readonly envelopeSize: number
  /** Queue the message now if the pattern can; false parks the send. May throw EFSM etc. */
  trySend(message: Message): boolean
  /** Next message for the application, if any. */
  tryReceive(): Message | undefined
  /** The pipe the message tryReceive() returned came from (read only for receiveMetadata). */
  receivedFrom(): Pipe | undefined
  /** A peer's payload the codec could not decode (reported, never thrown at the caller). */
  codecError(error: ZmqError): void
  /** A call was parked or settled (the socket keeps the process alive while one waits). */
  parkingChanged(): void
}

const NOTHING = Symbol("nothing")

export class MessageFlow {
  private readonly parkedSend: Parked<void, Message>
  private readonly parkedReceive: Parked<unknown>

  constructor(private readonly host: FlowHost, private readonly options: OptionValues, private readonly counters: Counters) {
    this.parkedSend = new Parked<void, Message>(() => host.parkingChanged())
    this.parkedReceive = new Parked<unknown>(() => host.parkingChanged())
  }

  /** A call is parked. */
  get waiting(): boolean {
    return this.parkedSend.waiting || this.parkedReceive.waiting
  }

  send(message: unknown): Promise<void> {
    if (this.host.closed) return Promise.reject(zmqError("EBADF", "Socket is closed"))
    // Thrown, not rejected, as zeromq.js does: a second concurrent send is a programming error.
    if (this.parkedSend.waiting) throw zmqError("EBUSY", "Socket is busy writing; only one send operation may be in progress at any time")
    try {
      const frames = encodeForWire(message, this.options.codec, this.host.envelopeSize, this.options.maxMessageSize)
      if (this.host.trySend(frames)) {
        this.countSent(frames)
        return immediateSend()
      }
      const timeout = this.options.sendTimeout
      if (timeout === 0) return Promise.reject(zmqError("EAGAIN", "Socket is busy writing (no peer has room)"))
      const parked = this.parkedSend.park(frames, timeout, "send")
      this.host.parkingChanged()
      return parked
    } catch (error) {
      return Promise.reject(error)
    }
  }

  receive(): Promise<unknown> {
    if (this.host.closed) return Promise.reject(zmqError("EBADF", "Socket is closed"))
    if (this.parkedReceive.waiting) throw zmqError("EBUSY", "Socket is busy reading; only one receive operation may be in progress at any time")
    const value = this.nextIncoming()
    if (value !== NOTHING) return immediateReceive(value)
    const timeout = this.options.receiveTimeout
    if (timeout === 0) return Promise.reject(zmqError("EAGAIN", "No message available"))
    const parked = this.parkedReceive.park(undefined, timeout, "receive")
    this.host.parkingChanged()
    return parked
  }

  /**
   * Async iteration: yields until the socket closes. `receive` is the socket's receive (Request
   * and Reply pass their own, so that iterating out of turn rejects with EFSM, not hangs).
   */
  async *messages(receive: () => Promise<unknown>): AsyncGenerator<unknown, void, undefined> {
    while (!this.host.closed) {
      try {
        yield await receive()
      } catch (error) {
        // Closing ends the iteration; any other failure (EFSM...) still reaches the caller.
        if (this.host.closed && isCloseError(error)) return
        throw error
      }
    }
  }

  /** A parked send may now succeed. */
  wakeSender(): void {
    const frames = this.parkedSend.payload
    if (!frames || !this.parkedSend.waiting) return
    try {
      if (this.host.trySend(frames)) {
        this.countSent(frames)
        this.parkedSend.resolve()
      }
    } catch (error) {
      this.parkedSend.reject(error as ZmqError)
    }
  }

  /** A message may be available for a parked receive. */
  wakeReceiver(): void {
    if (!this.parkedReceive.waiting) return
    const value = this.nextIncoming()
    if (value !== NOTHING) this.parkedReceive.resolve(value)
  }

  /** The socket closed: parked calls reject with `error`. */
  /** Rejects a parked send and receive; the error is made only if one is parked (close() is hot under churn). */
  cancel(error: () => ZmqError): void {
    if (this.parkedSend.waiting) this.parkedSend.reject(error())
    if (this.parkedReceive.waiting) this.parkedReceive.reject(error())
  }

  /** socket.stats(): plain increments, no allocation. */
  private countSent(frames: Message): void {
    const counters = this.counters
    counters.sentMessages++
    for (let i = 0; i < frames.length; i++) counters.sentBytes += frames[i]!.length
  }

  /** A received message (decoded when a codec is set), or NOTHING. */
  private nextIncoming(): unknown {
    const counters = this.counters
    const withMetadata = this.options.receiveMetadata
    for (let frames = this.host.tryReceive(); frames; frames = this.host.tryReceive()) {
      counters.receivedMessages++
      for (let i = 0; i < frames.length; i++) counters.receivedBytes += frames[i]!.length
      try {
        const value = decodeFromWire(frames, this.options.codec, this.host.envelopeSize)
        if (withMetadata) attachMetadata(value, this.host.receivedFrom())
        return value
      } catch (error) {
        // A peer's bad payload must not reject the caller: report it and read on.
        this.host.codecError(error as ZmqError)
      }
    }
    return NOTHING
  }
}

/** The errors a pending receive gets when the socket closes under it. */
function isCloseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === "EAGAIN" || code === "EBADF"
}
