// A Pipe is one peer as the socket sees it: a bounded outbound queue (sendHighWaterMark), a
// bounded inbound queue (receiveHighWaterMark), the peer's identity, and the engine that moves
// messages between the queues and the wire. Strategies and sockets see Pipes, never bytes.
//
// Back-pressure has hysteresis at the low-water mark (libzmq pipe_t::compute_lwm): a full
// outbound queue makes the pipe unwritable until the engine has taken it down to the lwm, and a
// full inbound queue pauses the engine until the socket has read it down to the lwm.
import type { Metadata } from "../zmtp/metadata.js"
import { Queue } from "../util/queue.js"

/** One whole multipart message. Frames are never handled alone above the codec. */
export type Message = Buffer[]

export interface PeerInfo {
  /** The peer's Socket-Type as announced in READY (inproc: the peer socket's type). */
  socketType: string
  /** The peer's Identity property, when it sent a non-empty one. */
  identity: Buffer | undefined
  /** All READY properties, keyed by lower-cased name (X- properties carry extensions). */
  metadata: Metadata
  /** ZMTP minor version rules that apply to the peer (0 for a 3.0 peer). */
  minor: number
  /** Remote address, for events (tcp: the peer's IP and port; connect side: as dialed). */
  address: string
  /** Local address of the connection, where the transport has one (tcp: our IP and port). */
  local?: string | undefined
  /** PLAIN/CURVE server: the ZAP User-Id of this client. */
  userId?: string
  /** CURVE: the peer's long-term public key. */
  curvePublicKey?: Buffer
}

/** Moves messages between a pipe and one connection. Calls come from the socket's thread only. */
export interface PipeEngine {
  /** The pipe has outbound messages or commands; flush soon. Cheap to call repeatedly. */
  requestFlush(): void
  /** Hands what is queued to the connection now, as far as it takes it (used by close()). */
  flush(): void
  /** The inbound queue fell to its low-water mark; reading may continue. */
  resumeReading(): void
  /** Ends the connection at once; the engine detaches itself from the pipe. */
  close(): void
}

/** The socket side of a pipe. Callbacks may re-enter the pipe (write/read), not the engine. */
export interface PipeOwner {
  onPipeReadable(pipe: Pipe): void
  onPipeWritable(pipe: Pipe): void
  /** Everything queued on the pipe has been handed to the OS (used while lingering). */
  onPipeDrained(pipe: Pipe): void
  /** A command frame the engine does not handle itself (unknown names are offered here). */
  onPipeCommand(pipe: Pipe, name: string, data: Buffer): void
}

/**
 * Optional per-pipe message rewriting for protocol extensions (reliable: a sequence header frame
 * on connections whose peer announced support). Called synchronously from the socket's thread;
 * must not re-enter the pipe. Absent on plain pipes, which pay one property check per message.
 */
export interface PipeTransform {
  /** Engine side, just taken from the outbound queue: the message for the wire, or undefined to skip it. */
  outgoing?(message: Message): Message | undefined
  /** Engine side, just received: the message to queue, or undefined to drop it. */
  incoming?(message: Message): Message | undefined
  /** Socket side: the owner took this (transformed) message off the inbound queue. */
  consumed?(message: Message): void
}

/**
 * A command for the peer, beside the messages: SUBSCRIBE/CANCEL (SUB/XSUB), JOIN/LEAVE (DISH),
 * extension commands (reliable acks). The engine encodes it for its transport and the peer's
 * ZMTP version (a 3.0 peer gets subscriptions as messages); a transport without commands drops it.
 */
export interface PipeCommand {
  name: string
  data: Buffer
}

/**
 * conflate (ZMQ_CONFLATE): which of a pipe's queues keep only the newest whole message. A
 * conflated queue is never full, so its high-water mark does not apply (libzmq ypipe_conflate).
 */
export type Conflate = "in" | "out" | "both" | undefined

export function lowWaterMark(hwm: number): number {
  // libzmq compute_lwm: (hwm + 1) / 2 keeps both refill and drain batches large.
  return hwm > 0 ? Math.floor((hwm + 1) / 2) : 0
}

let nextPipeId = 1

export class Pipe {
  readonly id = nextPipeId++
  readonly outbound = new Queue<Message>()
  readonly inbound = new Queue<Message>()
  /** Commands for the current connection, sent before the next messages; dropped on every (re)connect. */
  readonly commands = new Queue<PipeCommand>()
  engine: PipeEngine | undefined
  peer: PeerInfo | undefined
  /** Routing id as the owning socket knows this peer (Router), set by the owner. */
  routingId: Buffer | undefined
  /** Extension hook (see PipeTransform); set by the owner, kept across reconnects. */
  transform: PipeTransform | undefined
  /** Position in the owning LoadBalancer's array, -1 in none (written only by LoadBalancer). */
  outSlot = -1
  /** Position in the owning FairQueue's array, -1 in none (written only by FairQueue). */
  inSlot = -1
  /** Below the send high-water mark: a strategy may write to it. */
  writable = true
  terminated = false
  /** Messages the engine took for the wire / handed in (socket.stats(); plain increments). */
  messagesOut = 0
  messagesIn = 0
  /** Date.now() of the last traffic, set by the engine once per read or flush (not per message). */
  lastActivity = 0
  /** The endpoint string this pipe belongs to (bound or connected), for events and disconnect. */
  readonly endpoint: string
  sendHwm: number
  receiveHwm: number
  private readPaused = false
  private sendLwm: number
  private receiveLwm: number
  private readonly conflateOut: boolean
  private readonly conflateIn: boolean

  constructor(
    readonly owner: PipeOwner,
    sendHwm: number,
    receiveHwm: number,
    endpoint: string,
    conflate: Conflate = undefined,
  ) {
    this.endpoint = endpoint
    this.conflateOut = conflate === "out" || conflate === "both"
    this.conflateIn = conflate === "in" || conflate === "both"
    this.sendHwm = this.conflateOut ? 0 : sendHwm
    this.receiveHwm = this.conflateIn ? 0 : receiveHwm
    this.sendLwm = lowWaterMark(this.sendHwm)
    this.receiveLwm = lowWaterMark(this.receiveHwm)
  }

  /**
   * New high-water marks for a live pipe (options set after connect, as libzmq >= 4.2 applies
   * them); a conflated queue keeps its own rule (never full). Lowering takes effect at the next
   * write/deliver; raising may make the pipe writable or resume reading at once.
   */
  setHighWaterMarks(sendHwm: number, receiveHwm: number): void {
    if (!this.conflateOut) {
      this.sendHwm = sendHwm
      this.sendLwm = lowWaterMark(sendHwm)
      if (sendHwm > 0 && this.outbound.length >= sendHwm) this.writable = false
      else if (!this.writable) {
        this.writable = true
        if (!this.terminated) this.owner.onPipeWritable(this)
      }
    }
    if (!this.conflateIn) {
      this.receiveHwm = receiveHwm
      this.receiveLwm = lowWaterMark(receiveHwm)
      if (this.readPaused && (receiveHwm === 0 || this.inbound.length < receiveHwm)) {
        this.readPaused = false
        this.engine?.resumeReading()
      }
    }
  }

  /** True when the pipe has a live, handshaken connection. */
  get connected(): boolean {
    return this.engine !== undefined
  }

  /** Queues a message; the caller checked `writable`. Never blocks, never drops. */
  write(message: Message): void {
    if (this.conflateOut) this.outbound.clear()
    this.outbound.push(message)
    if (this.sendHwm > 0 && this.outbound.length >= this.sendHwm) this.writable = false
    this.engine?.requestFlush()
  }

  /**
   * Queues a command for the current connection: the one way a socket talks to its peer besides
   * messages (it never reaches the engine). Owners re-send state (subscriptions, joined groups)
   * from xconnected, since a new connection starts with no commands queued.
   */
  writeCommand(name: string, data: Buffer): void {
    this.commands.push({ name, data })
    this.engine?.requestFlush()
  }

  /** Engine side: next message to put on the wire. */
  takeOutbound(): Message | undefined {
    let message = this.outbound.shift()
    const outgoing = this.transform?.outgoing
    if (outgoing !== undefined) {
      while (message !== undefined) {
        const wire = outgoing.call(this.transform, message)
        if (wire !== undefined) {
          message = wire
          break
        }
        message = this.outbound.shift()
      }
    }
    if (message !== undefined) this.messagesOut++
    if (!this.writable && this.outbound.length <= this.sendLwm) {
      this.writable = true
      if (!this.terminated) this.owner.onPipeWritable(this)
    }
    return message
  }

  /** Engine side: a received message. False means the inbound queue is full: stop reading. */
  deliver(message: Message): boolean {
    const incoming = this.transform?.incoming
    if (incoming !== undefined) {
      const kept = incoming.call(this.transform, message)
      if (kept === undefined) return !this.readPaused
      message = kept
    }
    this.messagesIn++
    if (this.conflateIn && this.inbound.length > 0) {
      this.inbound.clear() // still readable: the owner was told on the empty -> non-empty edge
      this.inbound.push(message)
      return true
    }
    this.inbound.push(message)
    if (this.inbound.length === 1) this.owner.onPipeReadable(this)
    if (this.receiveHwm > 0 && this.inbound.length >= this.receiveHwm) {
      this.readPaused = true
      return false
    }
    return true
  }

  /** Socket side: next received message. */
  read(): Message | undefined {
    const message = this.inbound.shift()
    if (message !== undefined) this.transform?.consumed?.(message)
    if (this.readPaused && this.inbound.length <= this.receiveLwm) {
      this.readPaused = false
      this.engine?.resumeReading()
    }
    return message
  }

  attach(engine: PipeEngine, peer: PeerInfo): void {
    this.engine = engine
    this.peer = peer
    this.commands.clear()
    if (this.readPaused) engine.resumeReading()
    this.readPaused = false
    if (this.outbound.length > 0) engine.requestFlush()
  }

  /** Called by the engine when its connection ends; queued messages stay for the next one. */
  detach(engine: PipeEngine): void {
    if (this.engine !== engine) return
    this.engine = undefined
    this.commands.clear()
  }

  /** The pipe is gone for good: close its connection and drop what it still queues outbound. */
  terminate(): void {
    if (this.terminated) return
    this.terminated = true
    const engine = this.engine
    this.engine = undefined
    engine?.close()
    this.outbound.clear()
    this.commands.clear()
  }
}
