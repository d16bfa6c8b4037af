// ZMTP 3.x message encoder. Headers and small bodies of a whole batch are packed into one
// allocation (sized first, then written at offsets); bodies of COPY_LIMIT octets or more are
// passed by reference, so large payloads are never copied (ws Sender.frame + cork).
import { FLAG_LONG, FLAG_MORE, MAX_SHORT_SIZE } from "./constants.js"

/** Bodies at or above this size travel as their own write instead of being copied. */
export const COPY_LIMIT = 4096

export function headerSize(bodySize: number): number {
  return bodySize > MAX_SHORT_SIZE ? 9 : 2
}

export function writeHeader(target: Buffer, offset: number, more: boolean, bodySize: number): number {
  if (bodySize > MAX_SHORT_SIZE) {
    target[offset] = FLAG_LONG | (more ? FLAG_MORE : 0)
    target.writeBigUInt64BE(BigInt(bodySize), offset + 1)
    return offset + 9
  }
  target[offset] = more ? FLAG_MORE : 0
  target[offset + 1] = bodySize
  return offset + 2
}

/** Octets of packed (copied) output the messages need: all headers plus the small bodies. */
export function packedSize(messages: readonly (readonly Buffer[])[]): number {
  let size = 0
  for (const frames of messages) {
    for (const frame of frames) {
      size += headerSize(frame.length)
      if (frame.length < COPY_LIMIT) size += frame.length
    }
  }
  return size
}

/**
 * Encodes messages into `out` as a list of buffers to write in order: packed runs of headers and
 * small bodies, interleaved with large bodies by reference. `out` is appended to.
 */
export function encodeMessages(messages: readonly (readonly Buffer[])[], out: Buffer[]): void {
  const packed = Buffer.allocUnsafe(packedSize(messages))
  let start = 0
  let offset = 0
  for (const frames of messages) {
    const last = frames.length - 1
    for (let i = 0; i <= last; i++) {
      const frame = frames[i]!
      offset = writeHeader(packed, offset, i < last, frame.length)
      if (frame.length < COPY_LIMIT) {
        offset += frame.copy(packed, offset)
      } else {
        out.push(packed.subarray(start, offset), frame)
        start = offset
      }
    }
  }
  if (start === 0) out.push(packed) // the common case, small messages only: no view to make
  else if (offset > start) out.push(packed.subarray(start, offset))
}
