// Connection metadata (RFC 37 "Connection Metadata"): the property list carried by READY.
// Names are compared case-insensitively (RFC); libzmq spells them "Socket-Type" and "Identity".
import { zmqError, type ZmqError } from "../errors.js"
import { MAX_METADATA_PROPERTIES } from "./constants.js"

/** Properties keyed by lower-cased name. */
export type Metadata = Map<string, Buffer>

export type PropertyList = ReadonlyArray<readonly [name: string, value: Buffer | string]>

const NAME_PATTERN = /^[A-Za-z0-9\-_.+]{1,255}$/

export function isValidPropertyName(name: string): boolean {
  return NAME_PATTERN.test(name)
}

export function metadataSize(properties: PropertyList): number {
  let size = 0
  for (const [name, value] of properties) size += 1 + name.length + 4 + Buffer.byteLength(value)
  return size
}

/** Writes the property list at `offset`; returns the offset after it. */
export function writeMetadata(target: Buffer, offset: number, properties: PropertyList): number {
  for (const [name, value] of properties) {
    target[offset++] = name.length
    offset += target.write(name, offset, "ascii")
    const bytes = typeof value === "string" ? Buffer.from(value) : value
    target.writeUInt32BE(bytes.length, offset)
    offset += 4
    offset += bytes.copy(target, offset)
  }
  return offset
}

/** Parses a property list; any truncation, bad name or duplicate is a protocol error. */
export function parseMetadata(data: Buffer): Metadata | ZmqError {
  const properties: Metadata = new Map()
  let offset = 0
  while (offset < data.length) {
    if (properties.size >= MAX_METADATA_PROPERTIES) return invalid("too many properties")
    const nameLength = data[offset]!
    if (nameLength === 0 || offset + 1 + nameLength + 4 > data.length) return invalid("truncated property")
    const name = data.toString("latin1", offset + 1, offset + 1 + nameLength)
    if (!isValidPropertyName(name)) return invalid(`bad property name ${JSON.stringify(name)}`)
    offset += 1 + nameLength
    const valueLength = data.readUInt32BE(offset)
    offset += 4
    if (valueLength > data.length - offset) return invalid(`truncated value of ${name}`)
    const key = name.toLowerCase()
    if (properties.has(key)) return invalid(`duplicate property ${name}`)
    properties.set(key, data.subarray(offset, offset + valueLength))
    offset += valueLength
  }
  return properties
}

function invalid(reason: string): ZmqError {
  return zmqError("ERR_ZMTP_INVALID_METADATA", `invalid READY metadata: ${reason}`)
}
