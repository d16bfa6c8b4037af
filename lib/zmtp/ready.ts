// NULL-mechanism handshake helpers (RFC 37 "The NULL Security Mechanism"): what our READY says
// and what a peer's READY must say. Pure functions; the engine owns timing and I/O.
import { zmqError, type ZmqError } from "../errors.js"
import { isCompatible, type SocketType } from "./compat.js"
import { MAX_IDENTITY_SIZE } from "./constants.js"
import { encodeReady } from "./command.js"
import { metadataSize, parseMetadata, writeMetadata, type Metadata, type PropertyList } from "./metadata.js"

export interface LocalIdentity {
  socketType: SocketType
  /** Sent as Identity by REQ, DEALER and ROUTER (libzmq add_basic_properties). */
  routingId?: Buffer | undefined
  /** Extra properties, e.g. X- extensions. */
  properties?: PropertyList | undefined
}

const SENDS_IDENTITY: ReadonlySet<SocketType> = new Set(["REQ", "DEALER", "ROUTER"])

/** The properties we announce: in READY (NULL), INITIATE and READY (PLAIN), or boxed (CURVE). */
function localProperties(local: LocalIdentity): PropertyList {
  const properties: [string, Buffer | string][] = [["Socket-Type", local.socketType]]
  if (SENDS_IDENTITY.has(local.socketType)) properties.push(["Identity", local.routingId ?? Buffer.alloc(0)])
  if (local.properties) properties.push(...local.properties.map(([k, v]) => [k, v] as [string, Buffer | string]))
  return properties
}

export function encodeLocalReady(local: LocalIdentity): Buffer {
  return encodeReady(localProperties(local))
}

/** Our metadata alone, for the commands that carry it inside other data (INITIATE, CURVE boxes). */
export function encodeLocalMetadata(local: LocalIdentity): Buffer {
  const properties = localProperties(local)
  const metadata = Buffer.allocUnsafe(metadataSize(properties))
  writeMetadata(metadata, 0, properties)
  return metadata
}

export interface PeerReady {
  socketType: string
  identity: Buffer | undefined
  metadata: Metadata
  /** PLAIN/CURVE server side: the User-Id the ZAP handler gave this client ("" without handler). */
  userId?: string
  /** CURVE: the peer's long-term public key (32 octets). */
  curvePublicKey?: Buffer
}

/** Validates a peer's READY body (after the command name) against our socket type. */
export function checkPeerReady(local: SocketType, data: Buffer): PeerReady | ZmqError {
  const metadata = parseMetadata(data)
  if (metadata instanceof Error) return metadata
  const type = metadata.get("socket-type")
  if (type === undefined) {
    return zmqError("ERR_ZMTP_MALFORMED_COMMAND_READY", "peer READY has no Socket-Type")
  }
  const socketType = type.toString("latin1")
  if (!isCompatible(local, socketType)) {
    return zmqError("ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE", `a ${local} socket cannot talk to a ${socketType} peer`)
  }
  const identity = metadata.get("identity")
  if (identity !== undefined && (identity.length > MAX_IDENTITY_SIZE || identity[0] === 0)) {
    return zmqError("ERR_ZMTP_INVALID_METADATA", "peer Identity is too long or starts with a zero octet")
  }
  return { socketType, identity: identity?.length ? Buffer.from(identity) : undefined, metadata }
}
