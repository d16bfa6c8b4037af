// ZWS 2.0 (RFC 45) framing: each ZMTP frame is one binary WebSocket message made of a flag
// octet (0x00 last, 0x01 more, 0x02 command) and the body. There is no greeting and no length
// header (the WebSocket message carries the length). Pure functions over Buffers; the engine
// owns timing and I/O, the transport owns the WebSocket protocol itself.
import { zmqError, type ZmqError } from "../errors.js"
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE } from "./constants.js"
import { recyclePacked } from "./encoder.js"

export const ZWS_LAST = 0x00
export const ZWS_MORE = 0x01
export const ZWS_COMMAND = 0x02

export type ZwsMechanism = "NULL" | "PLAIN" | "CURVE"
/**
 * The WebSocket subprotocols of RFC 45 ("ZWS2.0" alone means no mechanism: routing id first),
 * and our aliases "ZWS2.0-NULL" etc.: "/" is not a token character, and browsers refuse to
 * offer a subprotocol that is not a token, so a page can only reach a mechanism by an alias
 * (which brokerless servers accept; libzmq accepts only the RFC names and the bare one).
 */
export type ZwsProtocol = "ZWS2.0" | `ZWS2.0/${ZwsMechanism}` | `ZWS2.0-${ZwsMechanism}`

/**
 * What a client offers, best first: the RFC name, its alias, and with NULL also the bare
 * "ZWS2.0" (as libzmq does), so ports without ZMTP 3 mechanisms (jszmq) can still accept us.
 */
export function offeredProtocols(mechanism: ZwsMechanism): ZwsProtocol[] {
  const named: ZwsProtocol[] = [`ZWS2.0/${mechanism}`, `ZWS2.0-${mechanism}`]
  return mechanism === "NULL" ? [...named, "ZWS2.0"] : named
}

/**
 * The subprotocol a server picks from a client's offer: the one naming its own mechanism (RFC
 * name, else alias), else (NULL only) the bare "ZWS2.0"; undefined refuses the connection.
 */
export function chooseProtocol(offered: Iterable<string>, mechanism: ZwsMechanism): ZwsProtocol | undefined {
  const names = new Set([...offered].map((name) => name.trim()))
  for (const own of [`ZWS2.0/${mechanism}`, `ZWS2.0-${mechanism}`] as const) if (names.has(own)) return own
  if (mechanism === "NULL" && names.has("ZWS2.0")) return "ZWS2.0"
  return undefined
}

/** The mechanism a chosen subprotocol names (RFC name or alias); undefined for the bare "ZWS2.0". */
export function mechanismOfProtocol(protocol: string): string | undefined {
  const match = /^ZWS2\.0[/-](.+)$/.exec(protocol)
  return match?.[1]
}

/** One ZWS frame as it is sent: the flag octet, then the body (one copy, one WebSocket message). */
export function encodeZwsFrame(flags: number, body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(body.length + 1)
  frame[0] = flags
  frame.set(body, 1)
  return frame
}

/** Every frame of a multipart message, MORE on all but the last. */
export function encodeZwsMessage(frames: readonly Uint8Array[], out: Buffer[]): void {
  const last = frames.length - 1
  for (let i = 0; i <= last; i++) out.push(encodeZwsFrame(i < last ? ZWS_MORE : ZWS_LAST, frames[i]!))
}

/**
 * A frame encoded for ZMTP over a byte stream (header + body, as the mechanisms and the command
 * encoders produce it) rewritten as a ZWS frame, so both transports share those encoders.
 */
export function zwsFromZmtpFrame(frame: Buffer): Buffer {
  const flags = frame[0]!
  const headerSize = (flags & FLAG_LONG) !== 0 ? 9 : 2
  const zws = (flags & FLAG_COMMAND) !== 0 ? ZWS_COMMAND : (flags & FLAG_MORE) !== 0 ? ZWS_MORE : ZWS_LAST
  return encodeZwsFrame(zws, frame.subarray(headerSize))
}

/**
 * ZMTP frames sealed into a pack slab (a boxing session's batch) as ZWS frames: each one a copy,
 * so the slab goes back for the next batch at once.
 */
export function zwsFromPacked(frames: Buffer[]): Buffer[] {
  const out = frames.map(zwsFromZmtpFrame)
  recyclePacked(frames)
  return out
}

/** A received frame: its kind and its body (a view, no copy). */
export interface ZwsFrame {
  command: boolean
  more: boolean
  body: Buffer
}

/**
 * Parses one received WebSocket message. An empty message (no flag octet), reserved bits, or a
 * command with MORE are malformed (libzmq masks the bits it knows; we refuse the rest so that a
 * peer speaking something else is told apart early).
 */
export function decodeZwsFrame(data: Buffer): ZwsFrame | ZmqError {
  if (data.length === 0) return zmqError("ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED", "empty ZWS frame (no flag octet)")
  const flags = data[0]!
  if ((flags & ~(ZWS_MORE | ZWS_COMMAND)) !== 0 || flags === (ZWS_MORE | ZWS_COMMAND)) {
    return zmqError("ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED", `invalid ZWS flag octet 0x${flags.toString(16).padStart(2, "0")}`)
  }
  return { command: flags === ZWS_COMMAND, more: flags === ZWS_MORE, body: data.subarray(1) }
}

/**
 * Gathers data frames into whole messages and bounds each frame (maxMessageSize, -1 = none;
 * per frame as libzmq checks it; the WebSocket layer bounds a single message before this).
 */
export class ZwsMessageAssembler {
  private frames: Buffer[] = []

  constructor(private readonly maxMessageSize: number) {}

  /** Adds a data frame; returns the message when it was the last frame, or the error to close with. */
  push(frame: ZwsFrame): Buffer[] | ZmqError | undefined {
    if (this.maxMessageSize >= 0 && frame.body.length > this.maxMessageSize) {
      return zmqError("ERR_ZMTP_MESSAGE_TOO_LARGE", `frame of ${frame.body.length} octets exceeds maxMessageSize ${this.maxMessageSize}`)
    }
    this.frames.push(frame.body)
    if (frame.more) return undefined
    const message = this.frames
    this.frames = []
    return message
  }

  /** Frames of an unfinished message are held. */
  get pending(): boolean {
    return this.frames.length > 0
  }
}

/**
 * A subscription as ZWS carries it between libzmq peers: a data message of 0x01 (subscribe) or
 * 0x00 (cancel) and the prefix (RFC 45 "Publish-Subscribe"; libzmq 4.3.5 ws_encoder does so
 * even for ZMTP 3.1 peers). Publishers accept this and SUBSCRIBE/CANCEL commands alike.
 */
export function encodeZwsSubscription(prefix: Uint8Array, subscribe: boolean): Buffer {
  const frame = Buffer.allocUnsafe(prefix.length + 2)
  frame[0] = ZWS_LAST
  frame[1] = subscribe ? 1 : 0
  frame.set(prefix, 2)
  return frame
}
