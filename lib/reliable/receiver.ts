// The receiving role of reliable delivery: on every socket that takes messages from reliable
// senders (Pull, Router, Dealer), strips the sequence header, drops duplicates before the
// inbound queue, and acks each message once the application has taken it. It announces
// X-Reliable: 1 so senders add headers; peers that send plainly pass through untouched.
import type { SocketExtension } from "../pipe/extension.js"
import type { Message, PeerInfo, Pipe } from "../pipe/pipe.js"
import type { PropertyList } from "../zmtp/metadata.js"
import { Dedup, type SenderWindow } from "./dedup.js"
import { ACK_COMMAND, PROP_RELIABLE, PROP_SENDER, SENDER_ID_BYTES, decodeHeader, encodeAcks, toRanges } from "./wire.js"

/** Per pipe: which sender window its current connection feeds. */
interface Link {
  /** The connection `window` describes (a connect-side pipe outlives its connections). */
  peer: PeerInfo | undefined
  window: SenderWindow | undefined
}

interface Received { window: SenderWindow; seq: number }

export class ReliableReceiver implements SocketExtension {
  readonly properties: PropertyList = [[PROP_RELIABLE, "1"]]
  /** Received copies dropped as duplicates. */
  duplicates = 0
  /** XACK commands sent. */
  ackCommands = 0
  private readonly dedup = new Dedup()
  private readonly links = new Map<Pipe, Link>()
  private readonly received = new WeakMap<Message, Received>()
  /** Live connection per sender window, for its acks. */
  private readonly routes = new Map<SenderWindow, Pipe>()
  private ackFlush: NodeJS.Immediate | undefined

  connected(pipe: Pipe): boolean {
    const known = this.links.get(pipe)
    if (known === undefined && pipe.peer?.metadata.has(PROP_SENDER.toLowerCase()) !== true) return true
    const link = this.sync(pipe, known ?? this.linkOf(pipe))
    if (link.window !== undefined) this.scheduleAcks() // acks that waited for this sender to come back
    return true
  }

  disconnected(pipe: Pipe): void {
    const link = this.links.get(pipe)
    if (link?.window !== undefined && this.routes.get(link.window) === pipe) this.routes.delete(link.window)
  }

  detached(pipe: Pipe): void {
    this.disconnected(pipe)
    this.links.delete(pipe)
  }

  closing(): void {
    this.flushAcks()
  }

  private linkOf(pipe: Pipe): Link {
    const link: Link = { peer: undefined, window: undefined }
    this.links.set(pipe, link)
    const transform = (pipe.transform ??= {})
    transform.incoming = (message) => this.incoming(pipe, link, message)
    transform.consumed = (message) => this.consumed(message)
    return link
  }

  /**
   * Brings the link up to date with the pipe's current connection. The engine may deliver before
   * connected() runs, so incoming() calls this too.
   */
  private sync(pipe: Pipe, link: Link): Link {
    const peer = pipe.peer
    if (link.peer === peer) return link
    link.peer = peer
    const senderId = peer?.metadata.get(PROP_SENDER.toLowerCase())
    link.window = senderId?.length === SENDER_ID_BYTES ? this.dedup.window(senderId) : undefined
    if (link.window !== undefined) this.routes.set(link.window, pipe)
    return link
  }

  private incoming(pipe: Pipe, link: Link, message: Message): Message | undefined {
    const window = this.sync(pipe, link).window
    if (window === undefined) return message // this connection's peer sends plainly
    const header = decodeHeader(message[0])
    if (header === null) return message.slice(1)
    if (header === undefined) return undefined // malformed: dropped, like libzmq drops bad envelopes
    const verdict = window.received(header.seq, header.floor)
    if (verdict !== "deliver") {
      this.duplicates++
      if (verdict === "reack") this.scheduleAcks()
      return undefined
    }
    const body = message.slice(1)
    this.received.set(body, { window, seq: header.seq })
    return body
  }

  private consumed(message: Message): void {
    const received = this.received.get(message)
    if (received === undefined) return
    received.window.consumed(received.seq)
    this.scheduleAcks()
  }

  /** Acks go out once per turn of the event loop, batched into ranges. */
  private scheduleAcks(): void {
    this.ackFlush ??= setImmediate(() => this.flushAcks())
  }

  private flushAcks(): void {
    if (this.ackFlush !== undefined) clearImmediate(this.ackFlush)
    this.ackFlush = undefined
    for (const window of this.dedup.withAcks()) {
      const pipe = this.routes.get(window)
      if (!pipe?.connected) continue // kept until the sender reconnects (bounded)
      for (const data of encodeAcks(window.senderId, toRanges(window.takeAcks()))) {
        pipe.writeCommand(ACK_COMMAND, data)
        this.ackCommands++
      }
    }
  }
}
