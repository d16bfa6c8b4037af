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
    // Two 32-bit halves, not writeBigUInt64BE(BigInt(size)): a BigInt per frame of 256 octets
    // or more cost more than the rest of its header. `>>> 0` is the exact low half below 2^53.
    target.writeUInt32BE(Math.floor(bodySize / 0x1_0000_0000), offset + 1)
    target.writeUInt32BE(bodySize >>> 0, offset + 5)
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
  const packed = packBuffer(packedSize(messages))
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

// The packed output of a batch is written to the socket at once and, once the kernel took it,
// never read again. A fresh allocation per batch is fresh memory: measured with 1 KiB messages,
// the sender took 94 minor page faults per 1000 messages (raw node:net: 19) and twice its
// system time. So slabs are lent out and come back when their writer saw the kernel take them
// (recyclePacked): at once when the write left synchronously, or at a later flush once nothing
// is left queued. A slab not given back is simply left to the GC (the map of lent slabs is weak).
// A boxing session (CURVE) seals whole batches of large messages into them too, so a slab grows
// to the largest batch asked for, up to MAX_SLAB_SIZE (one flush is at most 256 KiB of frames).
const SLAB_SIZE = 64 * 1024
const MAX_SLAB_SIZE = 1024 * 1024
/** Slabs kept for reuse: a few writes may be in the kernel's queue at once. */
const MAX_SPARES = 4
const spares: Buffer[] = []
const lent = new WeakMap<ArrayBufferLike, Buffer>()

/** `size` octets to pack a batch into: a spare slab when it fits, else new memory. */
export function packBuffer(size: number): Buffer {
  if (size > MAX_SLAB_SIZE) return Buffer.allocUnsafe(size)
  let slab = spares.pop()
  if (slab === undefined || slab.length < size) slab = Buffer.allocUnsafeSlow(Math.max(SLAB_SIZE, roundUp(size, SLAB_SIZE)))
  lent.set(slab.buffer, slab)
  return slab.subarray(0, size)
}

function roundUp(size: number, unit: number): number {
  return Math.ceil(size / unit) * unit
}

/**
 * Everything in `written` has been copied out of process memory (the socket has nothing left
 * queued): the lent slabs among it may be packed into again.
 */
export function recyclePacked(written: readonly Buffer[]): void {
  for (let i = 0; i < written.length; i++) {
    const slab = lent.get(written[i]!.buffer)
    if (slab === undefined) continue
    lent.delete(slab.buffer)
    if (spares.length < MAX_SPARES) spares.push(slab)
  }
}
