// Normalises what users pass to send() into frames (Buffer[]), at the socket edge only.
// Buffers and typed arrays are used as views, not copied: do not modify them after send().
import { zmqError } from "./errors.js"

export type MessageLike = string | Buffer | Uint8Array | ArrayBuffer | SharedArrayBuffer | number | null

export type MessageInput = MessageLike | readonly MessageLike[]

export function toFrames(message: MessageInput): Buffer[] {
  if (Array.isArray(message)) {
    const frames = new Array<Buffer>(message.length)
    for (let i = 0; i < message.length; i++) frames[i] = toFrame(message[i])
    return frames
  }
  return [toFrame(message as MessageLike)]
}

export function toFrame(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value
  if (typeof value === "string") return Buffer.from(value)
  if (value === null || value === undefined) return EMPTY
  if (typeof value === "number") return Buffer.from(String(value))
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return Buffer.from(value)
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new TypeError(
    `Cannot send a ${typeof value === "object" ? "plain object" : typeof value} as a frame; ` +
      `pass a string, Buffer, Uint8Array, ArrayBuffer, number or null (or set codec: "msgpack")`,
  )
}

export function messageSize(frames: readonly Buffer[]): number {
  let size = 0
  for (const frame of frames) size += frame.length
  return size
}

/** Checks frames against maxMessageSize before queueing (libzmq checks it per frame). */
export function checkFrameSizes(frames: readonly Buffer[], maxMessageSize: number): void {
  if (maxMessageSize < 0) return
  for (const frame of frames) {
    if (frame.length > maxMessageSize) {
      throw zmqError("EMSGSIZE", `frame of ${frame.length} bytes exceeds maxMessageSize ${maxMessageSize}`)
    }
  }
}

const EMPTY = Buffer.alloc(0)
