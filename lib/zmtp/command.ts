// Command frames (RFC 37 "Commands"): name-length, name, data. Pure encode/parse helpers;
// every encoder returns a complete frame (header included) ready for the wire.
import { COMMAND, FLAG_COMMAND, FLAG_LONG, MAX_PING_CONTEXT, MAX_SHORT_SIZE } from "./constants.js"
import { metadataSize, writeMetadata, type PropertyList } from "./metadata.js"

export interface Command {
  name: string
  data: Buffer
}

/** Splits a command body; undefined when the name length runs past the body (dropped, as libzmq). */
export function parseCommand(body: Buffer): Command | undefined {
  if (body.length === 0) return undefined
  const nameLength = body[0]!
  if (nameLength === 0 || 1 + nameLength > body.length) return undefined
  return { name: body.toString("latin1", 1, 1 + nameLength), data: body.subarray(1 + nameLength) }
}

/**
 * libzmq 4.3's PLAIN and CURVE servers write their ERROR command's name as the C literal
 * "\x5ERROR", which C reads as 0x5E "RROR": a command that does not parse. Reading it as the
 * ERROR it means lets us report the refusal (with its status code) instead of a protocol error.
 */
export function parseLibzmqError(body: Buffer): Command | undefined {
  if (body.length < 5 || body[0] !== 0x5e || body.toString("latin1", 1, 5) !== "RROR") return undefined
  return { name: COMMAND.ERROR, data: body.subarray(5) }
}

/** Allocates a command frame with room for `dataSize` octets; returns it and the data offset. */
export function allocateCommand(name: string, dataSize: number): { frame: Buffer; offset: number } {
  const bodySize = 1 + name.length + dataSize
  const long = bodySize > MAX_SHORT_SIZE
  const headerSize = long ? 9 : 2
  const frame = Buffer.allocUnsafe(headerSize + bodySize)
  frame[0] = FLAG_COMMAND | (long ? FLAG_LONG : 0)
  if (long) frame.writeBigUInt64BE(BigInt(bodySize), 1)
  else frame[1] = bodySize
  frame[headerSize] = name.length
  frame.write(name, headerSize + 1, "ascii")
  return { frame, offset: headerSize + 1 + name.length }
}

export function encodeCommand(name: string, data: Buffer = EMPTY): Buffer {
  const { frame, offset } = allocateCommand(name, data.length)
  data.copy(frame, offset)
  return frame
}

export function encodeReady(properties: PropertyList): Buffer {
  const { frame, offset } = allocateCommand(COMMAND.READY, metadataSize(properties))
  writeMetadata(frame, offset, properties)
  return frame
}

export function encodeError(reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 255), "latin1")
  return encodeCommand(COMMAND.ERROR, Buffer.concat([Buffer.of(text.length), text]))
}

/** Reads an ERROR command's reason; tolerant of a missing length, since it is informative only. */
export function parseErrorReason(data: Buffer): string {
  if (data.length === 0) return ""
  return data.toString("latin1", 1, Math.min(data.length, 1 + data[0]!))
}

/** PING: TTL in deciseconds (u16) + up to 16 octets of context. */
export function encodePing(ttlDeciseconds: number, context: Buffer = EMPTY): Buffer {
  const ctx = context.subarray(0, MAX_PING_CONTEXT)
  const { frame, offset } = allocateCommand(COMMAND.PING, 2 + ctx.length)
  frame.writeUInt16BE(Math.min(0xffff, Math.max(0, Math.round(ttlDeciseconds))), offset)
  ctx.copy(frame, offset + 2)
  return frame
}

export function parsePing(data: Buffer): { ttlMs: number; context: Buffer } | undefined {
  if (data.length < 2) return undefined
  return { ttlMs: data.readUInt16BE(0) * 100, context: data.subarray(2, 2 + MAX_PING_CONTEXT) }
}

export function encodePong(context: Buffer): Buffer {
  return encodeCommand(COMMAND.PONG, context.subarray(0, MAX_PING_CONTEXT))
}

/**
 * A subscription going upstream. ZMTP 3.1 peers get SUBSCRIBE/CANCEL commands; 3.0 peers get a
 * message frame whose first octet is 1 (subscribe) or 0 (cancel), followed by the prefix.
 */
/** A subscription as the message a PUB/XPUB socket reads: 0x01 (subscribe) or 0x00, then the prefix. */
export function subscriptionMessage(prefix: Buffer, subscribe: boolean): Buffer {
  const message = Buffer.allocUnsafe(prefix.length + 1)
  message[0] = subscribe ? 1 : 0
  prefix.copy(message, 1)
  return message
}

/**
 * The wire frame of a command a socket wrote into its pipe (pipe.writeCommand), for a peer that
 * follows ZMTP 3.`peerMinor`: SUBSCRIBE/CANCEL go to a 3.0 peer as 0x01/0x00 messages.
 */
export function encodePipeCommand(name: string, data: Buffer, peerMinor: number): Buffer {
  if (name === COMMAND.SUBSCRIBE || name === COMMAND.CANCEL) return encodeSubscription(data, name === COMMAND.SUBSCRIBE, peerMinor)
  return encodeCommand(name, data)
}

export function encodeSubscription(prefix: Buffer, subscribe: boolean, peerMinor: number): Buffer {
  if (peerMinor >= 1) return encodeCommand(subscribe ? COMMAND.SUBSCRIBE : COMMAND.CANCEL, prefix)
  const bodySize = 1 + prefix.length
  const long = bodySize > MAX_SHORT_SIZE
  const headerSize = long ? 9 : 2
  const frame = Buffer.allocUnsafe(headerSize + bodySize)
  frame[0] = long ? FLAG_LONG : 0
  if (long) frame.writeBigUInt64BE(BigInt(bodySize), 1)
  else frame[1] = bodySize
  frame[headerSize] = subscribe ? 1 : 0
  prefix.copy(frame, headerSize + 1)
  return frame
}

const EMPTY = Buffer.alloc(0)
