// The on-disk Journal (journal.ts): an append-only file, so messages accepted by send() survive a sender
// crash and are re-sent on restart. Owns the file, its pid lock and compaction; must never replay a
// record whose checks fail. Sync fs calls on purpose: one write per tick, off the per-message path.
//
// The byte format and what recovery trusts are described in journal-format.ts.
//
// fsync policy (`fsync` option). In every mode the records appended during one tick go out in one
// write(2), and appendDurable() never resolves before that write returned, so a resolved record
// survives the process being killed (SIGKILL): the kernel has it. The modes differ on OS crash and
// power loss:
//   "always": appendDurable() resolves only after an fsync(2) covered the record; the records of one
//             tick share that fsync (group commit). Use it when send() must mean "on disk".
//   "batch":  (default) appendDurable() resolves after the write; an fsync follows within
//             `batchIntervalMs` (default 10 ms). Power loss may lose that last interval.
//   "never":  the journal never fsyncs on its own; the OS writes back when it decides.
// flush() and close() write and fsync everything in every mode. Acks are never waited for: a lost ack
// only causes a re-send, which the receiver deduplicates. A failed write or fsync poisons the journal
// (EIO): after a failed fsync the kernel may have dropped the dirty pages, so a retry would lie.

import * as fs from "node:fs"
import { randomBytes } from "node:crypto"
import { debuglog } from "node:util"
import { ZmqError, zmqError } from "../errors.js"
import { acquireLock, errno, readAll, releaseLock, writeAll } from "./journal-files.js"
import { TMP_SUFFIX, writeCompacted } from "./journal-compaction.js"
import { decodeHeader, encodeAck, encodeAppend, encodeHeader, HEADER_BYTES, scanRecords, type Slot } from "./journal-format.js"
import { deferred, type Deferred } from "../util/deferred.js"
import {
  type FileJournalOptions, type FsyncPolicy, type Journal, type JournalCorruption, type JournalRecord, type JournalStats,
  checkAppendSeq, frameBytes,
} from "./journal.js"

const debug = debuglog("brokerless")

export type { FileJournalOptions, FsyncPolicy, JournalCorruption } from "./journal.js"


/**
 * Opens or creates the journal at `path`, takes its pid lock (`path + ".lock"`) and replays it, reading
 * the file whole (compaction keeps it near twice the live data) and blocking meanwhile. Throws ELOCKED when another live process (or this one) has it open, and ERR_JOURNAL_CORRUPT
 * for an unreadable header (the sender id would be lost, so the file is left untouched).
 *
 * @example
 * const journal = openFileJournal("./outbox.journal", { fsync: "always", onCorruption: console.warn })
 */
export function openFileJournal(path: string, options: FileJournalOptions = {}): FileJournal {
  const fsync = options.fsync ?? "batch"
  if (!["always", "batch", "never"].includes(fsync)) throw zmqError("EINVAL", `Invalid fsync policy ${fsync}`)
  const { batchIntervalMs: ms = 0, compactAfterBytes: bytes = 0 } = options
  if (!(ms >= 0 && bytes >= 0)) throw zmqError("EINVAL", `Invalid journal option ${ms} ms / ${bytes} bytes`)
  let lock: string | undefined
  try {
    lock = acquireLock(path)
    fs.rmSync(path + TMP_SUFFIX, { force: true }) // a compaction interrupted by a crash
    return new FileJournal(path, lock, { ...options, fsync })
  } catch (error) {
    if (lock !== undefined) releaseLock(lock)
    if (error instanceof ZmqError || errno(error) === undefined) throw error // ours, or from onCorruption
    const code = errno(error) === "ENOENT" || errno(error) === "EACCES" ? (errno(error) as "ENOENT") : "EIO"
    throw zmqError(code, `Cannot open journal ${path}: ${(error as Error).message}`, { cause: error })
  }
}

export class FileJournal implements Journal {
  readonly senderId: Buffer
  private fd: number
  private index = new Map<bigint, Slot>() // live records: where they sit in the file
  private restored = new Map<bigint, Buffer[]>() // found at open, not acked since
  private next: bigint
  private written: number // file bytes handed to the kernel
  private pending: Buffer[] = [] // records of this tick, written by one writePending()
  private pendingBytes = 0
  private waiting: Deferred | undefined // appendDurable() callers of this tick
  private syncQueue: Deferred[] = [] // written, waiting for the next fsync
  private syncing = false
  private timer: NodeJS.Timeout | undefined
  private failure: ZmqError | undefined
  private closing: Promise<void> | undefined
  private closed = false
  private liveRecordBytes = 0
  private counts = { appends: 0, acks: 0, liveBytes: 0, compactions: 0, fsyncs: 0 }
  private readonly policy: FsyncPolicy
  private readonly batchIntervalMs: number
  private compactAt: number

  /** Use openFileJournal(), which takes the lock first. */
  constructor(readonly path: string, private readonly lock: string, options: FileJournalOptions & { fsync: FsyncPolicy }) {
    this.policy = options.fsync
    this.batchIntervalMs = options.batchIntervalMs ?? 10
    this.compactAt = options.compactAfterBytes ?? 8 * 1024 * 1024
    const data = readAll(path)
    if (data.length === 0) {
      ;[this.senderId, this.next, this.written] = [randomBytes(16), 0n, HEADER_BYTES]
      writeCompacted(path, encodeHeader(this.senderId, 0n), -1, this.index) // header only, atomically
    } else {
      ;({ senderId: this.senderId, seqFloor: this.next } = decodeHeader(data, path))
      this.written = this.replay(data, options.onCorruption ?? warnCorruption)
    }
    this.fd = fs.openSync(path, "r+")
    if (this.written < data.length) {
      fs.ftruncateSync(this.fd, this.written)
      fs.fsyncSync(this.fd)
    }
  }

  get nextSeq(): bigint { return this.next }
  get size(): number { return this.index.size }
  get stats(): JournalStats {
    return { ...this.counts, records: this.index.size, fileBytes: this.written + this.pendingBytes }
  }
  recovered(): JournalRecord[] { return Array.from(this.restored, ([seq, frames]) => ({ seq, frames })) }

  append(seq: bigint, frames: Buffer[]): void {
    if (this.closing) throw zmqError("EBADF", "Journal is closed")
    if (this.failure) throw this.failure
    checkAppendSeq(seq, this.next)
    const record = encodeAppend(seq, frames)
    const payload = frameBytes(frames)
    this.index.set(seq, { offset: this.written + this.pendingBytes, length: record.length, payload })
    this.next = seq + 1n
    this.counts.appends++
    this.counts.liveBytes += payload
    this.liveRecordBytes += record.length
    this.enqueue(record)
  }

  appendDurable(seq: bigint, frames: Buffer[]): Promise<void> {
    try {
      this.append(seq, frames)
    } catch (error) {
      return Promise.reject(error)
    }
    return (this.waiting ??= deferred()).promise
  }

  ack(seq: bigint): boolean {
    const slot = this.index.get(seq)
    if (slot === undefined || this.closing) return false
    this.index.delete(seq)
    this.restored.delete(seq)
    this.counts.acks++
    this.counts.liveBytes -= slot.payload
    this.liveRecordBytes -= slot.length
    if (this.failure === undefined) this.enqueue(encodeAck(seq))
    return true
  }

  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.closed) return Promise.resolve()
    this.writePending()
    const done = deferred()
    this.syncQueue.push(done)
    this.kickSync()
    return done.promise
  }

  close(): Promise<void> {
    this.closing ??= this.flush().finally(() => {
      this.closed = true
      clearTimeout(this.timer)
      fs.closeSync(this.fd)
      releaseLock(this.lock)
    })
    return this.closing
  }

  /** Loads the records of `data`; returns where the trusted prefix ends. Opens nothing. */
  private replay(data: Buffer, onCorruption: (report: JournalCorruption) => void): number {
    const scan = scanRecords(data, this.next)
    for (const [seq, { slot, frames }] of scan.live) {
      this.index.set(seq, slot)
      this.restored.set(seq, frames)
      this.counts.liveBytes += slot.payload
      this.liveRecordBytes += slot.length
    }
    this.next = scan.next
    if (scan.problem !== undefined) {
      const { code, reason } = scan.problem
      onCorruption({ code, reason, path: this.path, offset: scan.end, droppedBytes: data.length - scan.end })
    }
    return scan.end
  }

  private enqueue(record: Buffer): void {
    this.pending.push(record)
    this.pendingBytes += record.length
    // nextTick, not a microtask: `await send()` in a loop would otherwise write once per message.
    if (this.pending.length === 1) process.nextTick(() => this.writePending())
  }

  private writePending(): void {
    if (this.pending.length === 0 || this.failure || this.closed) return
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes)
    ;[this.pending, this.pendingBytes] = [[], 0]
    try {
      writeAll(this.fd, data, this.written)
    } catch (error) {
      return this.fail(error)
    }
    this.written += data.length
    const waiting = this.waiting
    this.waiting = undefined
    if (this.policy === "always" && waiting) this.syncQueue.push(waiting)
    else waiting?.resolve()
    if (this.policy === "batch" && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.flush().catch(() => undefined) // a failure is recorded and reported by the next call
      }, this.batchIntervalMs).unref()
    }
    this.maybeCompact()
    this.kickSync()
  }

  /** Runs one async fsync for everyone queued; those queued meanwhile get the next one. */
  private kickSync(): void {
    if (this.syncing || this.syncQueue.length === 0 || this.failure) return
    const batch = this.syncQueue.splice(0)
    this.syncing = true
    fs.fsync(this.fd, (error) => {
      this.syncing = false
      this.counts.fsyncs++
      if (error) {
        this.fail(error)
        return batch.forEach((waiter) => waiter.reject(this.failure))
      }
      batch.forEach((waiter) => waiter.resolve())
      this.maybeCompact() // before the next fsync: under steady "always" load one is always queued
      this.kickSync()
    })
  }

  private fail(error: unknown): void {
    this.failure ??= zmqError("EIO", `Journal ${this.path} failed; appends are no longer durable`, { cause: error })
    for (const waiter of [...this.syncQueue.splice(0), this.waiting]) waiter?.reject(this.failure)
    this.waiting = undefined
  }

  private maybeCompact(): void {
    // Only between batches: pending records carry offsets into the current file and an in-flight
    // fsync holds the current fd. Queued fsync waiters are fine: the new file is fsynced for them.
    if (this.syncing || this.pending.length > 0 || this.failure || this.closed) return
    const dead = this.written - HEADER_BYTES - this.liveRecordBytes
    if (this.written < this.compactAt || dead === 0 || dead < this.liveRecordBytes) return
    try {
      this.compact()
    } catch (error) {
      // The old file is still whole (the rename is the commit point); retry after more growth.
      debug("journal %s: compaction failed: %o", this.path, error)
      fs.rmSync(this.path + TMP_SUFFIX, { force: true })
      this.compactAt = this.written * 2
    }
  }

  /** Rewrites the file with the live records only. */
  private compact(): void {
    const index = writeCompacted(this.path, encodeHeader(this.senderId, this.next), this.fd, this.index)
    const fd = fs.openSync(this.path, "r+")
    fs.closeSync(this.fd)
    ;[this.fd, this.index, this.written] = [fd, index, HEADER_BYTES + this.liveRecordBytes]
    this.counts.compactions++
    for (const waiter of this.syncQueue.splice(0)) waiter.resolve()
  }
}

function warnCorruption({ path, reason, offset, droppedBytes, code }: JournalCorruption): void {
  process.emitWarning(`${path}: ${reason} at byte ${offset}; dropped ${droppedBytes} bytes`, { code })
}
