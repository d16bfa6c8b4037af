// Wire encoding of the reliable extension: the READY properties that negotiate it, the header
// frame that leads every message on a negotiated connection, and the XACK command. Pure functions;
// nothing here reaches a peer that did not announce X-Reliable (libzmq drops unknown commands and
// ignores unknown X- properties, docs/wire-notes.md §3, RFC 37 "Connection Metadata").
//
// READY: "X-Reliable: 1" from every socket that strips headers and acks; "X-Reliable-Sender: <16 B
// sender id>" from a socket whose messages carry headers. A sender adds headers only toward a peer
// that sent X-Reliable; a receiver strips them only from a peer that sent X-Reliable-Sender.
//
// Header frame (first frame of every message on a negotiated connection):
//   tracked:   0x01 | u64 seq | u64 floor   (17 B; floor = lowest seq the sender still holds)
//   untracked: 0x00                         (1 B; e.g. a Dealer's probe, not in the retry buffer)
// XACK command data: senderId (16 B) | n × (u64 first | u64 last), inclusive ranges.
// Sequence numbers are u64 on the wire, safe integers (< 2^53) in memory.

export const PROP_RELIABLE = "X-Reliable"
export const PROP_SENDER = "X-Reliable-Sender"
export const ACK_COMMAND = "XACK"
export const SENDER_ID_BYTES = 16
/** Ranges per XACK command; a longer batch becomes several commands (each ≤ 16 KiB). */
export const MAX_ACK_RANGES = 1024

const TRACKED = 1
const UNTRACKED_FRAME = Buffer.from([0])
const HEADER_BYTES = 17

export interface Header {
  seq: number
  floor: number
}

export function encodeHeader(seq: number, floor: number): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES)
  frame[0] = TRACKED
  writeU64(frame, 1, seq)
  writeU64(frame, 9, floor)
  return frame
}

/** The shared header of an untracked message. */
export function untrackedHeader(): Buffer {
  return UNTRACKED_FRAME
}

/** The header of a received message: a Header, null for an untracked one, undefined if malformed. */
export function decodeHeader(frame: Buffer | undefined): Header | null | undefined {
  if (frame === undefined) return undefined
  if (frame.length === 1 && frame[0] === 0) return null
  if (frame.length !== HEADER_BYTES || frame[0] !== TRACKED) return undefined
  const seq = readU64(frame, 1)
  const floor = readU64(frame, 9)
  return seq === undefined || floor === undefined ? undefined : { seq, floor }
}

/** Inclusive [first, last] ranges of seqs; input in any order, duplicates allowed. */
export function toRanges(seqs: number[]): Array<[number, number]> {
  const sorted = Float64Array.from(seqs).sort()
  const ranges: Array<[number, number]> = []
  for (const seq of sorted) {
    const last = ranges[ranges.length - 1]
    if (last !== undefined && seq <= last[1] + 1) last[1] = Math.max(last[1], seq)
    else ranges.push([seq, seq])
  }
  return ranges
}

/** XACK command bodies for `ranges`, at most MAX_ACK_RANGES ranges each. */
export function encodeAcks(senderId: Buffer, ranges: ReadonlyArray<readonly [number, number]>): Buffer[] {
  const out: Buffer[] = []
  for (let start = 0; start < ranges.length; start += MAX_ACK_RANGES) {
    const chunk = ranges.slice(start, start + MAX_ACK_RANGES)
    const data = Buffer.allocUnsafe(SENDER_ID_BYTES + 16 * chunk.length)
    senderId.copy(data, 0)
    chunk.forEach(([first, last], i) => {
      writeU64(data, SENDER_ID_BYTES + 16 * i, first)
      writeU64(data, SENDER_ID_BYTES + 16 * i + 8, last)
    })
    out.push(data)
  }
  return out
}

/** An XACK body, or undefined when malformed (a peer fault: the command is ignored). */
export function decodeAcks(data: Buffer): { senderId: Buffer; ranges: Array<[number, number]> } | undefined {
  if (data.length < SENDER_ID_BYTES || (data.length - SENDER_ID_BYTES) % 16 !== 0) return undefined
  const ranges: Array<[number, number]> = []
  for (let at = SENDER_ID_BYTES; at < data.length; at += 16) {
    const first = readU64(data, at)
    const last = readU64(data, at + 8)
    if (first === undefined || last === undefined || last < first) return undefined
    ranges.push([first, last])
  }
  return { senderId: data.subarray(0, SENDER_ID_BYTES), ranges }
}

function writeU64(target: Buffer, offset: number, value: number): void {
  target.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset)
  target.writeUInt32BE(value >>> 0, offset + 4)
}

/** A u64 as a number, or undefined beyond Number.MAX_SAFE_INTEGER. */
function readU64(source: Buffer, offset: number): number | undefined {
  const high = source.readUInt32BE(offset)
  if (high > 0x1f_ffff) return undefined
  return high * 0x1_0000_0000 + source.readUInt32BE(offset + 4)
}
