// The REQ/REP envelope (RFC 28 "The Request-Reply Envelope"): zero or more route frames, an
// empty delimiter frame, then the body. Pure functions over whole messages; they never copy
// frame contents and never throw on a peer's malformed message (callers drop it instead).
import type { Message } from "../pipe/pipe.js"

/** The empty delimiter frame; shared, never written to. */
export const DELIMITER: Buffer = Buffer.alloc(0)

/**
 * Index of the delimiter: the first empty frame at or after `from` with at least one body frame
 * after it (libzmq rep_t::xrecv stops at the first empty part that has MORE set), or -1.
 */
export function findDelimiter(frames: Message, from = 0): number {
  for (let i = from; i < frames.length - 1; i++) if (frames[i]!.length === 0) return i
  return -1
}

/** Splits a request into its envelope (route frames and delimiter) and body; undefined if malformed. */
export function splitEnvelope(frames: Message, from = 0): { envelope: Message; body: Message } | undefined {
  const index = findDelimiter(frames, from)
  if (index === -1) return undefined
  return { envelope: frames.slice(0, index + 1), body: frames.slice(index + 1) }
}

/** A REQ request on the wire: [requestId?, delimiter, ...body] (requestId only with `correlate`). */
export function wrapRequest(body: Message, requestId?: Buffer): Message {
  return requestId === undefined ? [DELIMITER, ...body] : [requestId, DELIMITER, ...body]
}

/**
 * The body of a reply to a REQ, or undefined when the reply is malformed or, with `requestId`,
 * answers another request (libzmq req_t::xrecv drops both silently).
 */
export function unwrapReply(frames: Message, requestId?: Buffer): Message | undefined {
  let at = 0
  if (requestId !== undefined) {
    if (frames.length === 0 || !frames[0]!.equals(requestId)) return undefined
    at = 1
  }
  if (frames.length < at + 2 || frames[at]!.length !== 0) return undefined
  return frames.slice(at + 1)
}

/** The 4-octet request id frame of `correlate` (libzmq writes its u32 in host order; x86 is LE). */
export function requestIdFrame(id: number): Buffer {
  const frame = Buffer.allocUnsafe(4)
  frame.writeUInt32LE(id >>> 0, 0)
  return frame
}
