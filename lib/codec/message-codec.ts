// Turns what the application passes to send() into frames and received frames back into what
// receive() returns, applying the optional value codec to the payload only: the envelope frames
// a pattern owns (Router: the routing id) stay raw.
import type { Message } from "../pipe/pipe.js"
import { checkFrameSizes, toFrame, toFrames, type MessageInput } from "../message.js"
import { msgpackCodec } from "./msgpack.js"

export type CodecName = "msgpack" | null

export function encodeForWire(message: unknown, codec: CodecName, envelope: number, maxMessageSize: number): Message {
  const frames = codec === null ? toFrames(message as MessageInput) : encodeValue(message, envelope)
  checkFrameSizes(frames, maxMessageSize)
  return frames
}

/** Decodes a received message; throws (EPROTO) when the payload is not valid for the codec. */
export function decodeFromWire(frames: Message, codec: CodecName, envelope: number): unknown {
  if (codec === null) return frames
  if (envelope === 0) return msgpackCodec.decode(frames)
  return [...frames.slice(0, envelope), msgpackCodec.decode(frames.slice(envelope))]
}

function encodeValue(message: unknown, envelope: number): Message {
  if (envelope === 0) return msgpackCodec.encode(message)
  if (!Array.isArray(message) || message.length !== envelope + 1) {
    throw new TypeError(`With a codec, send [${"routingId, ".repeat(envelope)}value]`)
  }
  return [...message.slice(0, envelope).map(toFrame), ...msgpackCodec.encode(message[envelope])]
}
