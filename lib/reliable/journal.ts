// The storage contract behind the reliable outbox's retry buffer, and its in-memory implementation.
// A journal only records which (seq, message) pairs were accepted and which were acked; it never
// sends, times out or re-offers anything (that is outbox.ts). The on-disk variant is file-journal.ts;
// both must pass test/reliable/journal.contract.ts.

import { randomBytes } from "node:crypto"
import { zmqError } from "../errors.js"

/** One unacked message: its sequence number and its frames (one whole multipart message). */
export interface JournalRecord {
  readonly seq: bigint
  readonly frames: Buffer[]
}

/** Counters since open. Byte counts are 0 for journals without a file. */
export interface JournalStats {
  /** Records appended since open. */
  readonly appends: number
  /** Acks that removed a live record since open (duplicates and unknown seqs are not counted). */
  readonly acks: number
  /** Unacked records, the same as `size`. */
  readonly records: number
  /** Frame bytes held by unacked records. */
  readonly liveBytes: number
  /** Current size of the journal file. */
  readonly fileBytes: number
  /** Times the file was rewritten to drop acked records. */
  readonly compactions: number
  /** fsync(2) calls on the journal file. */
  readonly fsyncs: number
}

/**
 * Storage for messages accepted by `send()` until the receiver acks them.
 *
 * Contract:
 * - Nothing here blocks on the network and nothing calls back into the caller.
 * - `append` takes ownership of `frames`: the caller must not mutate those Buffers afterwards
 *   (they are not copied by the memory journal; the file journal copies them once into its write batch).
 * - Sequence numbers are unsigned 64-bit and strictly increasing across `append` calls, gaps allowed.
 * - Acks may arrive in any order, more than once, or for unknown seqs; those extra acks are ignored.
 * - After `close()`, `append` throws `EBADF` and `ack` is ignored.
 *
 * @example
 * const journal = openFileJournal("/var/lib/app/outbox.journal", { fsync: "always" })
 * for (const { seq, frames } of journal.recovered()) resend(journal.senderId, seq, frames)
 * const seq = journal.nextSeq
 * await journal.appendDurable(seq, [Buffer.from("hello")]) // send() may resolve now
 * journal.ack(seq) // when the receiver acknowledges it
 */
export interface Journal {
  /** 16 random bytes; a file journal keeps the same id across restarts. */
  readonly senderId: Buffer
  /** Lowest seq the next `append` may use; persisted, so a restarted sender never reuses a seq. */
  readonly nextSeq: bigint
  /** Number of unacked records. */
  readonly size: number
  /** Counters, as a fresh snapshot. */
  readonly stats: JournalStats
  /** Unacked records that were found when the journal was opened (minus those acked since), by seq. */
  recovered(): JournalRecord[]
  /** Records a message. Synchronous; durability follows the journal's fsync policy. Throws EINVAL on a bad seq. */
  append(seq: bigint, frames: Buffer[]): void
  /** `append`, then resolves once the record is as durable as the policy promises (see file-journal.ts). */
  appendDurable(seq: bigint, frames: Buffer[]): Promise<void>
  /** Forgets a record. Returns false when `seq` was not live (already acked, unknown, or closed). */
  ack(seq: bigint): boolean
  /** Resolves when everything appended or acked so far is written and fsynced. */
  flush(): Promise<void>
  /** Flushes and releases the storage. Idempotent. */
  close(): Promise<void>
}

// Options of the file journal live here so socket options can name them without importing node:fs code.

/** When the file journal calls fsync(2); the policy text is in the header of file-journal.ts. */
export type FsyncPolicy = "always" | "batch" | "never"

/** What recovery found wrong; the file is truncated at `offset` right after the callback returns. */
export interface JournalCorruption {
  readonly code: "ERR_JOURNAL_CORRUPT" | "ERR_JOURNAL_TRUNCATED"
  readonly path: string
  /** First byte not trusted; every record before it was replayed. */
  readonly offset: number
  /** Bytes from `offset` to the end of the file, all discarded. */
  readonly droppedBytes: number
  readonly reason: string
}

export interface FileJournalOptions {
  /** Durability of appendDurable(); see the header of file-journal.ts. Default "batch". */
  fsync?: FsyncPolicy
  /** "batch" mode: longest delay between a write and its fsync. Default 10 ms. */
  batchIntervalMs?: number
  /** Rewrite the file once it is at least this big and acked bytes outweigh live ones. Default 8 MiB. */
  compactAfterBytes?: number
  /** Called during open for a damaged file. Default: process.emitWarning. */
  onCorruption?: (report: JournalCorruption) => void
}

const U64_MAX = (1n << 64n) - 1n

/** Throws EINVAL unless `seq` is a u64 not below `nextSeq`. Shared by every implementation. */
export function checkAppendSeq(seq: bigint, nextSeq: bigint): void {
  if (typeof seq !== "bigint" || seq < 0n || seq > U64_MAX) {
    throw zmqError("EINVAL", `Journal sequence number must be an unsigned 64-bit bigint, got ${String(seq)}`)
  }
  if (seq < nextSeq) {
    throw zmqError("EINVAL", `Journal sequence number ${seq} is below nextSeq ${nextSeq}`)
  }
}

const RESOLVED: Promise<void> = Promise.resolve()

/**
 * A journal that lives only as long as the process: the default when `reliable` has no `journal`
 * path. Frames are kept by reference. Its sender id is new for every instance.
 */
export class MemoryJournal implements Journal {
  readonly senderId: Buffer = randomBytes(16)
  private readonly live = new Map<bigint, Buffer[]>()
  private next = 0n
  private closed = false
  private appends = 0
  private acks = 0
  private bytes = 0

  get nextSeq(): bigint {
    return this.next
  }

  get size(): number {
    return this.live.size
  }

  get stats(): JournalStats {
    return {
      appends: this.appends, acks: this.acks, records: this.live.size, liveBytes: this.bytes,
      fileBytes: 0, compactions: 0, fsyncs: 0,
    }
  }

  recovered(): JournalRecord[] {
    return []
  }

  append(seq: bigint, frames: Buffer[]): void {
    if (this.closed) throw zmqError("EBADF", "Journal is closed")
    checkAppendSeq(seq, this.next)
    this.live.set(seq, frames)
    this.next = seq + 1n
    this.appends++
    this.bytes += frameBytes(frames)
  }

  appendDurable(seq: bigint, frames: Buffer[]): Promise<void> {
    try {
      this.append(seq, frames)
    } catch (error) {
      return Promise.reject(error)
    }
    return RESOLVED
  }

  ack(seq: bigint): boolean {
    const frames = this.live.get(seq)
    if (frames === undefined) return false
    this.live.delete(seq)
    this.acks++
    this.bytes -= frameBytes(frames)
    return true
  }

  flush(): Promise<void> {
    return RESOLVED
  }

  close(): Promise<void> {
    this.closed = true
    this.live.clear()
    this.bytes = 0
    return RESOLVED
  }
}

/** Sum of the frame lengths of one message. */
export function frameBytes(frames: readonly Buffer[]): number {
  let total = 0
  for (const frame of frames) total += frame.length
  return total
}
