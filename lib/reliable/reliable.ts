// The glue between a socket and reliable delivery (option `reliable`): a SocketExtension that
// negotiates the X-Reliable READY properties, puts a PipeTransform on each pipe (header on/off the
// wire, dedup before the inbound queue, ack when the application takes a message), routes XACK
// commands, and turns the outbox counters into throttled events. Socket files only construct it
// and route send() through it; nothing below the socket layer knows about it.
import { zmqError } from "../errors.js"
import type { SocketEvent } from "../events.js"
import type { SocketExtension } from "../pipe/extension.js"
import type { Message, PeerInfo, Pipe, PipeTransform } from "../pipe/pipe.js"
import type { PropertyList } from "../zmtp/metadata.js"
import { Dedup, type SenderWindow } from "./dedup.js"
import { openFileJournal } from "./file-journal.js"
import { MemoryJournal, type FsyncPolicy, type Journal, type JournalCorruption, type JournalStats } from "./journal.js"
import type { ReliableSettings } from "./options.js"
import { Outbox } from "./outbox.js"
import { subscribe, unsubscribe, type Tickable } from "../util/timers.js"
import {
  ACK_COMMAND, PROP_RELIABLE, PROP_SENDER, SENDER_ID_BYTES, decodeAcks, decodeHeader, encodeAcks, toRanges,
} from "./wire.js"

import { reliableSettings } from "./options.js"
export { reliableSettings, type ReliableOptions } from "./options.js"

/** Counters of `reliableStats`. */
export interface ReliableStats {
  /** Messages sent and not yet acknowledged (the retry buffer's depth). */
  readonly unacked: number
  readonly bufferSize: number
  /** Messages accepted by send() since the socket opened. */
  readonly sent: number
  readonly acked: number
  /** Re-sends (ack timeout, lost connection or detached peer). */
  readonly resent: number
  /** Messages dropped after `retries` re-sends. */
  readonly gaveUp: number
  /** Messages delivered plainly to a peer without the extension (never acked). */
  readonly fallback: number
  /** Received copies dropped as duplicates (receiving side). */
  readonly duplicates: number
  /** XACK commands sent (receiving side). */
  readonly ackCommands: number
  /** The journal's counters (file bytes, fsyncs, compactions); absent on receive-only sockets. */
  readonly journal?: JournalStats
}

/** What the glue needs from its socket. */
export interface ReliableHost {
  emit(event: SocketEvent): void
  /** Retry a parked send (the retry buffer got room). */
  wake(): void
  /** The socket's outbound strategy; set only on sockets that send reliably. */
  pick?: () => Pipe | undefined
}

/** Per pipe: the extension's state for its current connection. */
interface Link extends PipeTransform {
  /** The connection the fields below describe (a connect-side pipe outlives its connections). */
  peer: PeerInfo | undefined
  /** The peer acks (it announced X-Reliable): our messages carry headers. */
  peerAcks: boolean
  /** The peer's sender window when its messages carry headers. */
  window: SenderWindow | undefined
}

interface Received { window: SenderWindow; seq: number }

/**
 * The extension of a socket that sends through a load balancer (Push, Dealer), built from its
 * `reliable` and `sendHighWaterMark` options; inert when `reliable` is off.
 */
export function reliableSender(host: Required<ReliableHost>, reliable: unknown, sendHighWaterMark: number, receives: boolean): Reliable {
  return new Reliable(host, reliableSettings(reliable, sendHighWaterMark), receives)
}

export class Reliable implements SocketExtension, Tickable {
  readonly properties: PropertyList
  private readonly outbox: Outbox<Pipe> | undefined
  private readonly dedup = new Dedup()
  private readonly links = new Map<Pipe, Link>()
  private readonly received = new WeakMap<Message, Received>()
  /** Live connection per sender window, for its acks. */
  private readonly routes = new Map<SenderWindow, Pipe>()
  private readonly fileJournal: boolean
  private readonly requirePeerSupport: boolean
  private ackFlush: NodeJS.Immediate | undefined
  private ticking = false
  private reported = { acked: 0, resent: 0, gaveUp: 0 }
  private duplicates = 0
  private ackCommands = 0

  /**
   * `settings` non-null with `host.pick`: the socket sends reliably. `receives`: the socket strips
   * headers, drops duplicates and acks (Pull, Router, Dealer).
   */
  constructor(private readonly host: ReliableHost, settings: ReliableSettings | null, private readonly receives: boolean) {
    this.requirePeerSupport = settings?.requirePeerSupport === true
    this.fileJournal = settings?.journal != null
    if (settings === null || host.pick === undefined) {
      this.properties = receives ? [[PROP_RELIABLE, "1"]] : []
      return
    }
    const journal = settings.journal === null ? new MemoryJournal() : this.openJournal(settings.journal, settings.fsync)
    this.outbox = new Outbox(journal, settings, host.pick)
    this.properties = receives ? [[PROP_RELIABLE, "1"], [PROP_SENDER, journal.senderId]] : [[PROP_SENDER, journal.senderId]]
    if (this.outbox.size > 0) this.startTicking()
  }

  /** True when the socket's sends go through send() below. */
  get sending(): boolean {
    return this.outbox !== undefined
  }

  get full(): boolean {
    return this.outbox?.full === true
  }

  get stats(): ReliableStats {
    const o = this.outbox
    const c = o?.counters ?? { sent: 0, acked: 0, resent: 0, gaveUp: 0, fallback: 0 }
    return {
      unacked: o?.size ?? 0, bufferSize: 0, ...c, duplicates: this.duplicates, ackCommands: this.ackCommands,
      ...(o ? { bufferSize: o.bufferSize, journal: o.journal.stats } : {}),
    }
  }

  /** The socket's xsend for reliable sockets. */
  send(message: Message): boolean {
    if (!this.outbox!.send(message)) return false
    this.startTicking()
    return true
  }

  /** send()'s promise, resolving only once the journal holds the message (file journal). */
  settle(sent: Promise<void>): Promise<void> {
    if (!this.fileJournal || this.outbox === undefined) return sent
    return sent.then(() => this.outbox!.durable)
  }

  // ---- SocketExtension ---------------------------------------------------------------------

  attached(pipe: Pipe): void {
    if (this.outbox !== undefined) this.linkOf(pipe)
  }

  connected(pipe: Pipe): boolean {
    const peerAcks = pipe.peer?.metadata.get(PROP_RELIABLE.toLowerCase())?.toString() === "1"
    const address = pipe.peer?.address ?? pipe.endpoint
    if (this.outbox !== undefined && !peerAcks) {
      const type = this.requirePeerSupport ? "reliable:refused" : "reliable:fallback"
      this.host.emit({ type, address, detail: { peer: pipe.peer?.socketType } })
      if (this.requirePeerSupport) return false
    }
    const sender = this.receives && pipe.peer?.metadata.has(PROP_SENDER.toLowerCase()) === true
    if (this.outbox === undefined && !sender && !this.links.has(pipe)) return true
    const link = this.sync(pipe, this.linkOf(pipe))
    if (link.window !== undefined) {
      link.incoming ??= (message) => this.incoming(pipe, link, message)
      link.consumed ??= (message) => this.consumed(message)
      this.scheduleAcks() // acks that waited for this sender to come back
    }
    this.outbox?.flushRetries()
    return true
  }

  disconnected(pipe: Pipe): void {
    const link = this.links.get(pipe)
    if (link?.window !== undefined && this.routes.get(link.window) === pipe) this.routes.delete(link.window)
    this.outbox?.disconnected(pipe)
  }

  detached(pipe: Pipe): void {
    this.disconnected(pipe)
    this.outbox?.detached(pipe)
    this.links.delete(pipe)
  }

  writable(_pipe: Pipe): void {
    this.outbox?.flushRetries()
  }

  command(_pipe: Pipe, name: string, data: Buffer): void {
    if (name !== ACK_COMMAND || this.outbox === undefined) return
    const acks = decodeAcks(data)
    if (acks === undefined || !acks.senderId.equals(this.outbox.senderId)) return
    if (this.outbox.ack(acks.ranges) === 0) return
    if (this.outbox.size === 0) this.report() // drained: say so now, not at the next tick
    this.host.wake()
  }

  closing(): void {
    this.flushAcks()
    this.stopTicking()
    void this.outbox?.journal.close().catch(() => undefined) // a failure was reported by send()
  }

  // ---- transforms --------------------------------------------------------------------------

  private linkOf(pipe: Pipe): Link {
    let link = this.links.get(pipe)
    if (link !== undefined) return link
    const outbox = this.outbox
    const fresh: Link = { peer: undefined, peerAcks: false, window: undefined }
    if (outbox !== undefined) {
      fresh.outgoing = (message) => {
        const { peerAcks } = this.sync(pipe, fresh)
        return outbox.outgoing(pipe, message, peerAcks ? "acks" : this.requirePeerSupport ? "refuse" : "plain")
      }
    }
    this.links.set(pipe, fresh)
    pipe.transform = fresh
    return fresh
  }

  /**
   * Brings the link up to date with the pipe's current connection. The engine may flush before
   * connected() runs (a full pipe is flushed as soon as the engine attaches), so the transforms
   * call this too.
   */
  private sync(pipe: Pipe, link: Link): Link {
    const peer = pipe.peer
    if (link.peer === peer) return link
    link.peer = peer
    link.peerAcks = peer?.metadata.get(PROP_RELIABLE.toLowerCase())?.toString() === "1"
    const senderId = this.receives ? peer?.metadata.get(PROP_SENDER.toLowerCase()) : undefined
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

  // ---- timers and events -------------------------------------------------------------------

  tick(now: number): void {
    this.outbox?.expire(now)
    this.report()
    if (this.outbox === undefined || (!this.outbox.timing && this.outbox.size === 0)) this.stopTicking()
  }

  private report(): void {
    const c = this.outbox?.counters
    if (c === undefined) return
    const unacked = this.outbox!.size
    if (c.acked > this.reported.acked) {
      this.host.emit({ type: "reliable:ack", detail: { acked: c.acked - this.reported.acked, unacked } })
    }
    if (c.resent > this.reported.resent || c.gaveUp > this.reported.gaveUp) {
      const detail = { resent: c.resent - this.reported.resent, gaveUp: c.gaveUp - this.reported.gaveUp, unacked }
      this.host.emit({ type: "reliable:resend", detail })
      if (detail.gaveUp > 0) this.host.wake()
    }
    this.reported = { acked: c.acked, resent: c.resent, gaveUp: c.gaveUp }
  }

  private startTicking(): void {
    if (this.ticking) return
    this.ticking = true
    subscribe(this)
  }

  private stopTicking(): void {
    if (!this.ticking) return
    this.ticking = false
    unsubscribe(this)
  }

  private openJournal(path: string, fsync: FsyncPolicy): Journal {
    const reports: JournalCorruption[] = []
    const journal = openFileJournal(path, { fsync, onCorruption: (report) => reports.push(report) })
    // Reported once listeners can exist: the constructor that opened it has returned.
    if (reports.length > 0) {
      process.nextTick(() => {
        for (const report of reports) {
          const error = zmqError("ERR_JOURNAL_CORRUPT", `${report.path}: ${report.reason} at byte ${report.offset}`)
          this.host.emit({ type: "journal:corrupt", error, detail: { ...report } })
        }
      })
    }
    return journal
  }
}
