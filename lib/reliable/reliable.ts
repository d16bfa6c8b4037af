// Reliable delivery's one seam (option `reliable`, docs/reliable.md), like discovery's index.ts:
// a socket asks for the roles it plays and plugs the returned extension in; it never sees the
// outbox, the dedup windows or the wire. Senders (Push, Dealer with `reliable`) get the sending
// role; every socket that takes messages from reliable senders (Pull, Router, Dealer) gets the
// receiving role, which is inert toward plain peers.
import type { SocketEvent } from "../events.js"
import { combineExtensions, type SocketExtension } from "../pipe/extension.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { JournalStats } from "./journal.js"
import { reliableSettings } from "./options.js"
import type { OutboxStrategy } from "./outbox.js"
import { ReliableReceiver } from "./receiver.js"
import { ReliableSender } from "./sender.js"

export { type ReliableOptions } from "./options.js"

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
  /** The journal's counters (file bytes, fsyncs, compactions); absent when not sending reliably. */
  readonly journal?: JournalStats
}

/** What the sending role needs from its socket. */
export interface ReliableHost {
  emit(event: SocketEvent): void
  /** Retry a parked send (the retry buffer got room, or messages were given up). */
  wake(): void
}

/** The roles a socket plays, behind the one extension it plugs in. */
export class Reliability {
  readonly extension: SocketExtension | undefined
  private readonly sender: ReliableSender | undefined
  private readonly receiver: ReliableReceiver | undefined

  constructor(sender: ReliableSender | undefined, receiver: ReliableReceiver | undefined) {
    this.sender = sender
    this.receiver = receiver
    this.extension = combineExtensions(sender, receiver)
  }

  /** The retry buffer is full: sends wait (xhasOut). */
  get full(): boolean { return this.sender?.full === true }

  /** The socket's xsend when sending reliably; undefined when the socket sends plainly. */
  send(message: Message): boolean | undefined {
    return this.sender?.send(message)
  }

  /** send()'s promise, resolving only once the journal holds the message (file journal). */
  settle(sent: Promise<void>): Promise<void> {
    return this.sender === undefined ? sent : this.sender.settle(sent)
  }

  get stats(): ReliableStats {
    const outbox = this.sender?.outbox
    const received = { duplicates: this.receiver?.duplicates ?? 0, ackCommands: this.receiver?.ackCommands ?? 0 }
    if (outbox === undefined) return { unacked: 0, bufferSize: 0, sent: 0, acked: 0, resent: 0, gaveUp: 0, fallback: 0, ...received }
    return { unacked: outbox.size, bufferSize: outbox.bufferSize, ...outbox.counters, ...received, journal: outbox.journal.stats }
  }
}

/** The receiving role alone (Pull, Router): strips headers, drops duplicates, acks. */
export function reliableReceiver(): SocketExtension {
  return new ReliableReceiver()
}

/**
 * The roles of a socket: sending reliably when its `reliable` option is on (through `strategy`,
 * its load balancer), receiving from reliable senders when `receives`.
 */
export function reliability(
  host: ReliableHost, options: { reliable?: unknown; sendHighWaterMark: number }, strategy: OutboxStrategy<Pipe>, receives: boolean,
): Reliability {
  const settings = reliableSettings(options.reliable, options.sendHighWaterMark)
  const sender = settings === null ? undefined : new ReliableSender(host, settings, strategy)
  return new Reliability(sender, receives ? new ReliableReceiver() : undefined)
}
