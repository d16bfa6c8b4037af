// The sending role of reliable delivery (option `reliable` on Push and Dealer): the outbox's
// glue to the socket. It announces X-Reliable-Sender, puts the sequence header on what leaves a
// pipe whose peer acks (or falls back / refuses where it does not), routes XACK commands to the
// outbox, runs its ack timeouts on the shared ticker, and turns its counters into throttled events.
import type { SocketEvent } from "../events.js"
import type { SocketExtension } from "../pipe/extension.js"
import type { Message, PeerInfo, Pipe } from "../pipe/pipe.js"
import { subscribe, unsubscribe, type Tickable } from "../util/timers.js"
import type { PropertyList } from "../zmtp/metadata.js"
import { openJournal } from "./journal-open.js"
import { MemoryJournal } from "./journal.js"
import type { ReliableSettings } from "./options.js"
import { Outbox, type OutboxCounters, type OutboxStrategy } from "./outbox.js"
import { ACK_COMMAND, PROP_RELIABLE, PROP_SENDER, decodeAcks } from "./wire.js"

/** What the sender needs from its socket. */
export interface ReliableSenderHost {
  emit(event: SocketEvent): void
  /** Retry a parked send (the retry buffer got room). */
  wake(): void
}

/** Per pipe: whether its current connection's peer acks. */
interface Link {
  peer: PeerInfo | undefined
  peerAcks: boolean
}

export class ReliableSender implements SocketExtension, Tickable {
  readonly properties: PropertyList
  readonly outbox: Outbox<Pipe>
  private readonly links = new Map<Pipe, Link>()
  private readonly fileJournal: boolean
  private readonly requirePeerSupport: boolean
  private ticking = false
  private reported = { acked: 0, resent: 0, gaveUp: 0 }

  constructor(private readonly host: ReliableSenderHost, settings: ReliableSettings, strategy: OutboxStrategy<Pipe>) {
    this.requirePeerSupport = settings.requirePeerSupport
    this.fileJournal = settings.journal !== null
    const journal = settings.journal === null ? new MemoryJournal() : openJournal(settings.journal, settings.fsync, host.emit)
    this.outbox = new Outbox(journal, settings, strategy)
    this.properties = [[PROP_SENDER, journal.senderId]]
    if (this.outbox.size > 0) this.startTicking()
  }

  get full(): boolean { return this.outbox.full }
  get counters(): OutboxCounters { return this.outbox.counters }

  /** The socket's xsend. */
  send(message: Message): boolean {
    if (!this.outbox.send(message)) return false
    this.startTicking()
    return true
  }

  /** send()'s promise, resolving only once the journal holds the message (file journal). */
  settle(sent: Promise<void>): Promise<void> {
    return this.fileJournal ? sent.then(() => this.outbox.durable) : sent
  }

  // ---- SocketExtension ---------------------------------------------------------------------

  attached(pipe: Pipe): void {
    this.linkOf(pipe)
  }

  connected(pipe: Pipe): boolean {
    if (!this.sync(pipe, this.linkOf(pipe)).peerAcks) {
      const type = this.requirePeerSupport ? "reliable:refused" : "reliable:fallback"
      this.host.emit({ type, address: pipe.peer?.address ?? pipe.endpoint, detail: { peer: pipe.peer?.socketType } })
      if (this.requirePeerSupport) return false
    }
    this.outbox.flushRetries()
    return true
  }

  disconnected(pipe: Pipe): void {
    this.outbox.disconnected(pipe)
  }

  detached(pipe: Pipe): void {
    this.outbox.disconnected(pipe)
    this.outbox.detached(pipe)
    this.links.delete(pipe)
  }

  writable(_pipe: Pipe): void {
    this.outbox.flushRetries()
  }

  command(_pipe: Pipe, name: string, data: Buffer): void {
    if (name !== ACK_COMMAND) return
    const acks = decodeAcks(data)
    if (acks === undefined || !acks.senderId.equals(this.outbox.senderId)) return
    if (this.outbox.ack(acks.ranges) === 0) return
    if (this.outbox.size === 0) this.report() // drained: say so now, not at the next tick
    this.host.wake()
  }

  closing(): void {
    this.stopTicking()
    void this.outbox.journal.close().catch(() => undefined) // a failure was reported by send()
  }

  // ---- the outgoing transform --------------------------------------------------------------

  private linkOf(pipe: Pipe): Link {
    const known = this.links.get(pipe)
    if (known !== undefined) return known
    const fresh: Link = { peer: undefined, peerAcks: false }
    this.links.set(pipe, fresh)
    ;(pipe.transform ??= {}).outgoing = (message) => {
      const { peerAcks } = this.sync(pipe, fresh)
      return this.outbox.outgoing(pipe, message, peerAcks ? "acks" : this.requirePeerSupport ? "refuse" : "plain")
    }
    return fresh
  }

  /** The engine may flush before connected() runs, so the transform syncs too. */
  private sync(pipe: Pipe, link: Link): Link {
    if (link.peer === pipe.peer) return link
    link.peer = pipe.peer
    link.peerAcks = link.peer?.metadata.get(PROP_RELIABLE.toLowerCase())?.toString() === "1"
    return link
  }

  // ---- timers and events -------------------------------------------------------------------

  tick(now: number): void {
    this.outbox.expire(now)
    this.report()
    if (!this.outbox.timing && this.outbox.size === 0) this.stopTicking()
  }

  private report(): void {
    const c = this.outbox.counters
    const unacked = this.outbox.size
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
}
