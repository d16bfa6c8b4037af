// The socket event channel (zeromq.js Observer names): an emitter facade plus an async iterator.
// Events are queued for the iterator only once someone iterates or calls receive(), and that
// queue is bounded: monitoring never grows memory without limit.
import { EventEmitter } from "node:events"
import { zmqError, type ZmqError } from "./errors.js"

export type EventType =
  | "accept" | "accept:error" | "bind" | "bind:error" | "connect" | "connect:delay" | "connect:retry"
  | "close" | "close:error" | "disconnect" | "end" | "handshake" | "handshake:error:protocol"
  | "handshake:error:auth" | "handshake:error:other" | "unbind"
  // Extensions:
  | "discovery:up" | "discovery:down" | "discovery:ignored" | "discovery:error" | "codec:error"
  | "reliable:fallback" | "reliable:refused" | "reliable:resend" | "reliable:ack"
  | "journal:corrupt"

export interface SocketEvent {
  type: EventType
  /** The endpoint the event is about (the bound or connected one, as in zeromq.js and libzmq). */
  address?: string
  /** Connection events: the peer's own address (tcp: its IP and port), where the transport has one. */
  remote?: string
  /** Connection events: our end of the connection (tcp: local IP and port; ipc bind: the path). */
  local?: string
  /** handshake, disconnect: who the peer is, from its handshake. */
  peer?: PeerIdentity
  error?: ZmqError
  /** connect:retry: milliseconds until the next attempt. */
  interval?: number
  /** Extension details (discovery peers, reliable counters...). */
  detail?: Readonly<Record<string, unknown>>
}

export interface PeerIdentity {
  /** The peer's Socket-Type ("PULL", "DEALER"...). */
  socketType: string
  /** The id a Router knows the peer by, else the Identity the peer announced (undefined: none). */
  routingId: Buffer | undefined
}

/** Event types that always carry the error (zeromq.js types them the same way). */
type ErrorEventType =
  | "accept:error" | "bind:error" | "close:error"
  | "handshake:error:protocol" | "handshake:error:auth" | "handshake:error:other"

/** The event a listener for `E` gets: `error` is set on error events, `interval` on connect:retry. */
export type EventOfType<E extends EventType> = SocketEvent & { type: E } &
  (E extends ErrorEventType ? { error: ZmqError } : unknown) &
  (E extends "connect:retry" ? { interval: number } : unknown)

type Listener = (event: SocketEvent) => void

/**
 * Our fields beyond zeromq.js's event shape (README "Events") are made non-enumerable: still
 * readable (and typed), but code that deep-compares an event with zeromq.js's `{ type, address }`,
 * spreads it or prints it as JSON sees only the fields zeromq.js has.
 */
function hideExtras(event: SocketEvent): void {
  for (const key of ["remote", "local", "peer"]) if (key in event) Object.defineProperty(event, key, { enumerable: false })
}

const MAX_QUEUED = 1000
const EMITTER_MODE =
  "Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive()."

export class SocketEvents implements AsyncIterable<SocketEvent> {
  private readonly emitter = new EventEmitter()
  private queue: SocketEvent[] | undefined
  private waiter: { resolve(event: SocketEvent): void; reject(error: ZmqError): void } | undefined
  private ended = false
  private emitterMode = false

  /**
   * Listens for one event type. As in zeromq.js this puts the channel in emitter mode: from
   * then on receive() and iteration throw, since both would compete for the same events.
   */
  on<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): this {
    this.emitterMode = true
    this.emitter.on(type, listener as Listener)
    return this
  }

  once<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): this {
    this.emitterMode = true
    this.emitter.once(type, listener as Listener)
    return this
  }

  /** Internal: the library's own listeners (peer waits) do not switch to emitter mode. */
  watch(type: EventType, listener: (event: SocketEvent) => void): void {
    this.emitter.on(type, listener)
  }

  /** Internal: removes a watch() listener. */
  unwatch(type: EventType, listener: (event: SocketEvent) => void): void {
    this.emitter.off(type, listener)
  }

  off<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): this {
    this.emitter.off(type, listener as Listener)
    return this
  }

  get closed(): boolean {
    return this.ended
  }

  /** Next event; rejects with EBADF once the socket has closed and every event was read. */
  receive(): Promise<SocketEvent> {
    if (this.emitterMode) throw new Error(EMITTER_MODE)
    const queued = (this.queue ??= []).shift()
    if (queued) return Promise.resolve(queued)
    if (this.ended) return Promise.reject(zmqError("EBADF", "socket events have ended"))
    if (this.waiter) throw zmqError("EBUSY", "Observer is busy reading; only one receive operation may be in progress at any time")
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }))
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    while (true) {
      let event: SocketEvent
      try {
        event = await this.receive()
      } catch (error) {
        if ((error as ZmqError).code === "EBADF") return
        throw error
      }
      yield event
    }
  }

  /** Internal: publish an event. */
  emit(event: SocketEvent): void {
    if (this.ended) return
    // Unobserved (the common case): nothing to hide, queue or call. Each connection emits several
    // events, so this is measurable when thousands of connections come and go.
    if (this.waiter === undefined && this.queue === undefined && this.emitter.listenerCount(event.type) === 0) return
    hideExtras(event)
    this.emitter.emit(event.type, event)
    const waiter = this.waiter
    if (waiter) {
      this.waiter = undefined
      waiter.resolve(event)
    } else if (this.queue) {
      if (this.queue.length >= MAX_QUEUED) this.queue.shift()
      this.queue.push(event)
    }
  }

  /** Internal: the socket closed; emits "end" and finishes iteration. */
  end(): void {
    if (this.ended) return
    // The last event stays readable even if nobody was reading before the close.
    this.queue ??= []
    this.emit({ type: "end" })
    this.ended = true
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.reject(zmqError("EBADF", "socket events have ended"))
  }
}
