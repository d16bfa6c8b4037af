// The journal's on-disk record format: header and record encoding, and the recovery scan that
// stops at the first record that is not provably intact. Pure functions over Buffers; no file
// access (file-journal.ts owns the file, its lock and the fsync policy).
//
// Format, big-endian. Header (36 B): "BLJ1" | u16 version 1 | u16 0 | senderId (16 B) | u64 seqFloor |
// u32 CRC-32 of the 32 bytes before. Then records: u32 bodyLength | u32 CRC-32 of (length field ++ body) |
// body, where body is APPEND = u8 1 | u64 seq | u32 frameCount | frameCount × (u32 length | bytes)
// or ACK = u8 2 | u64 seq. Replay = every APPEND minus every ACK; nextSeq = max(seqFloor, highest seq
// seen + 1). seqFloor is nextSeq when the file was written, so a compacted, empty file keeps it.
//
// Recovery stops at the first record that is incomplete (ERR_JOURNAL_TRUNCATED: a torn write at a crash,
// or a length pointing past the end) or fails a check (ERR_JOURNAL_CORRUPT: CRC, type, frame list, seq
// going backwards). Everything from there on is dropped even when more data follows: after one bad
// length no later boundary can be trusted, and re-sending a message twice is safe while replaying a
// wrong one is not. onCorruption runs before the file is truncated, so it may copy the file aside.
import { zmqError } from "../errors.js"
import { crc32 } from "../util/crc32.js"
import { frameBytes, type JournalCorruption } from "./journal.js"

export const [MAGIC, VERSION, HEADER_BYTES, RECORD_HEAD] = [0x424c4a31 /* "BLJ1" */, 1, 36, 8]
const [APPEND, ACK, ACK_BODY, APPEND_FIXED] = [1, 2, 9, 13] // record types; body bytes before frames

/** Where a live record sits in the file, and its payload size. */
export interface Slot { offset: number; length: number; payload: number }

export function encodeHeader(senderId: Buffer, seqFloor: bigint): Buffer {
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt32BE(MAGIC, 0)
  header.writeUInt16BE(VERSION, 4)
  senderId.copy(header, 8)
  header.writeBigUInt64BE(seqFloor, 24)
  header.writeUInt32BE(crc32(header.subarray(0, 32)), 32)
  return header
}

export function decodeHeader(data: Buffer, path: string): { senderId: Buffer; seqFloor: bigint } {
  const valid = data.length >= HEADER_BYTES && data.readUInt32BE(0) === MAGIC && data.readUInt16BE(4) === VERSION &&
    data.readUInt32BE(32) === crc32(data.subarray(0, 32))
  if (!valid) throw zmqError("ERR_JOURNAL_CORRUPT", `${path} is not a brokerless journal or its header is damaged`)
  return { senderId: Buffer.from(data.subarray(8, 24)), seqFloor: data.readBigUInt64BE(24) }
}

/** A record buffer with its type and seq filled in; the caller writes the rest of the body. */
function newRecord(type: number, seq: bigint, bodyLength: number): Buffer {
  if (bodyLength > 0xffffffff) throw zmqError("EMSGSIZE", "Message too large for the journal (4 GiB)")
  const record = Buffer.allocUnsafe(RECORD_HEAD + bodyLength)
  record.writeUInt32BE(bodyLength, 0)
  record[RECORD_HEAD] = type
  record.writeBigUInt64BE(seq, RECORD_HEAD + 1)
  return record
}

/** Fills in the CRC, which covers the length field too: a damaged length is caught like a damaged body. */
function sealRecord(record: Buffer): Buffer {
  record.writeUInt32BE(crc32(record.subarray(RECORD_HEAD), crc32(record.subarray(0, 4))), 4)
  return record
}

export function encodeAppend(seq: bigint, frames: readonly Buffer[]): Buffer {
  const record = newRecord(APPEND, seq, APPEND_FIXED + 4 * frames.length + frameBytes(frames))
  record.writeUInt32BE(frames.length, RECORD_HEAD + 9)
  let at = RECORD_HEAD + APPEND_FIXED
  for (const frame of frames) {
    record.writeUInt32BE(frame.length, at)
    at += 4 + frame.copy(record, at + 4)
  }
  return sealRecord(record)
}

export const encodeAck = (seq: bigint): Buffer => sealRecord(newRecord(ACK, seq, ACK_BODY))

type Problem = { code: JournalCorruption["code"]; reason: string }
export type Scan = { live: Map<bigint, { slot: Slot; frames: Buffer[] }>; next: bigint; end: number; problem?: Problem }

/** Replays records from the header on; stops at the first one that is not provably intact. */
export function scanRecords(data: Buffer, seqFloor: bigint): Scan {
  const scan: Scan = { live: new Map(), next: seqFloor, end: HEADER_BYTES }
  let lastAppend = -1n // appends are written in seq order; compaction keeps that order but not seqFloor
  const stop = (code: Problem["code"], reason: string): Scan => ({ ...scan, problem: { code, reason } })
  while (scan.end < data.length) {
    const at = scan.end
    if (data.length - at < RECORD_HEAD) return stop("ERR_JOURNAL_TRUNCATED", "incomplete record header")
    const length = data.readUInt32BE(at)
    if (length < ACK_BODY) return stop("ERR_JOURNAL_CORRUPT", `record length ${length} is too small`)
    const end = at + RECORD_HEAD + length
    if (end > data.length) return stop("ERR_JOURNAL_TRUNCATED", `record of ${length} bytes runs past the end`)
    const body = data.subarray(at + RECORD_HEAD, end)
    if (crc32(body, crc32(data.subarray(at, at + 4))) !== data.readUInt32BE(at + 4)) {
      return stop("ERR_JOURNAL_CORRUPT", "record checksum mismatch")
    }
    const seq = body.readBigUInt64BE(1)
    if (body[0] === ACK) {
      if (length !== ACK_BODY) return stop("ERR_JOURNAL_CORRUPT", `ack record of ${length} bytes`)
      scan.live.delete(seq)
    } else if (body[0] === APPEND) {
      if (seq <= lastAppend) return stop("ERR_JOURNAL_CORRUPT", `sequence number ${seq} went backwards`)
      lastAppend = seq
      const frames = decodeFrames(Buffer.from(body)) // a copy, so the whole-file buffer can be freed
      if (frames === undefined) return stop("ERR_JOURNAL_CORRUPT", "malformed frame list")
      scan.live.set(seq, { slot: { offset: at, length: end - at, payload: frameBytes(frames) }, frames })
    } else {
      return stop("ERR_JOURNAL_CORRUPT", `unknown record type ${body[0]}`)
    }
    if (seq >= scan.next) scan.next = seq + 1n
    scan.end = end
  }
  return scan
}

/** Frames of an APPEND body, or undefined unless they fill the body exactly. */
function decodeFrames(body: Buffer): Buffer[] | undefined {
  if (body.length < APPEND_FIXED) return undefined
  const frames: Buffer[] = []
  let at = APPEND_FIXED
  for (let count = body.readUInt32BE(9); count > 0; count--) {
    const length = body.length - at >= 4 ? body.readUInt32BE(at) : Infinity
    if (at + 4 + length > body.length) return undefined
    frames.push(body.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  return at === body.length ? frames : undefined
}
