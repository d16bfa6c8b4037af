// setsockopt/getsockopt of the 5.x API: libzmq option ids (and their 5.x short names, such as
// `sock.linger` or `setsockopt("backlog", 75)`) mapped onto the v6 socket's option properties.
// Values arrive the libzmq way (0/1 for flags, Buffers for strings and keys) and are converted.
import * as c from "./constants.js"

/** How a libzmq value maps onto the v6 property. */
type Kind =
  | "int"
  | "flag"      // 0/1 <-> boolean
  | "notFlag"   // 0/1 <-> the negated boolean (ipv4only vs ipv6)
  | "text"      // Buffer or string -> string; read back as a string
  | "key"       // CURVE key: 32 octets or 40 Z85 characters
  | "verbose"   // 0/1 -> null/"allSubs"
  | "verboser"  // 0/1 -> null/"allSubsUnsubs"

interface Mapping {
  readonly property: string
  readonly kind: Kind
  readonly readOnly?: boolean
}

/** Option id -> the v6 property it stands for. Ids with behaviour of their own are handled in socket.ts. */
const BY_ID = new Map<number, Mapping>([
  [c.ZMQ_AFFINITY, { property: "affinity", kind: "int" }],
  [c.ZMQ_IDENTITY, { property: "routingId", kind: "text" }],
  [c.ZMQ_RATE, { property: "rate", kind: "int" }],
  [c.ZMQ_RECOVERY_IVL, { property: "recoveryInterval", kind: "int" }],
  [c.ZMQ_SNDBUF, { property: "sendBufferSize", kind: "int" }],
  [c.ZMQ_RCVBUF, { property: "receiveBufferSize", kind: "int" }],
  [c.ZMQ_LINGER, { property: "linger", kind: "int" }],
  [c.ZMQ_RECONNECT_IVL, { property: "reconnectInterval", kind: "int" }],
  [c.ZMQ_BACKLOG, { property: "backlog", kind: "int" }],
  [c.ZMQ_RECONNECT_IVL_MAX, { property: "reconnectMaxInterval", kind: "int" }],
  [c.ZMQ_MAXMSGSIZE, { property: "maxMessageSize", kind: "int" }],
  [c.ZMQ_SNDHWM, { property: "sendHighWaterMark", kind: "int" }],
  [c.ZMQ_RCVHWM, { property: "receiveHighWaterMark", kind: "int" }],
  [c.ZMQ_MULTICAST_HOPS, { property: "multicastHops", kind: "int" }],
  [c.ZMQ_RCVTIMEO, { property: "receiveTimeout", kind: "int" }],
  [c.ZMQ_SNDTIMEO, { property: "sendTimeout", kind: "int" }],
  [c.ZMQ_IPV4ONLY, { property: "ipv6", kind: "notFlag" }],
  [c.ZMQ_LAST_ENDPOINT, { property: "lastEndpoint", kind: "text", readOnly: true }],
  [c.ZMQ_ROUTER_MANDATORY, { property: "mandatory", kind: "flag" }],
  [c.ZMQ_TCP_KEEPALIVE, { property: "tcpKeepalive", kind: "int" }],
  [c.ZMQ_TCP_KEEPALIVE_CNT, { property: "tcpKeepaliveCount", kind: "int" }],
  [c.ZMQ_TCP_KEEPALIVE_IDLE, { property: "tcpKeepaliveIdle", kind: "int" }],
  [c.ZMQ_TCP_KEEPALIVE_INTVL, { property: "tcpKeepaliveInterval", kind: "int" }],
  [c.ZMQ_TCP_ACCEPT_FILTER, { property: "tcpAcceptFilter", kind: "text" }],
  [c.ZMQ_IMMEDIATE, { property: "immediate", kind: "flag" }],
  [c.ZMQ_XPUB_VERBOSE, { property: "verbosity", kind: "verbose" }],
  [c.ZMQ_XPUB_VERBOSER, { property: "verbosity", kind: "verboser" }],
  [c.ZMQ_IPV6, { property: "ipv6", kind: "flag" }],
  [c.ZMQ_PLAIN_SERVER, { property: "plainServer", kind: "flag" }],
  [c.ZMQ_PLAIN_USERNAME, { property: "plainUsername", kind: "text" }],
  [c.ZMQ_PLAIN_PASSWORD, { property: "plainPassword", kind: "text" }],
  [c.ZMQ_CURVE_SERVER, { property: "curveServer", kind: "flag" }],
  [c.ZMQ_CURVE_PUBLICKEY, { property: "curvePublicKey", kind: "key" }],
  [c.ZMQ_CURVE_SECRETKEY, { property: "curveSecretKey", kind: "key" }],
  [c.ZMQ_CURVE_SERVERKEY, { property: "curveServerKey", kind: "key" }],
  [c.ZMQ_PROBE_ROUTER, { property: "probeRouter", kind: "flag" }],
  [c.ZMQ_REQ_CORRELATE, { property: "correlate", kind: "flag" }],
  [c.ZMQ_REQ_RELAXED, { property: "relaxed", kind: "flag" }],
  [c.ZMQ_CONFLATE, { property: "conflate", kind: "flag" }],
  [c.ZMQ_ZAP_DOMAIN, { property: "zapDomain", kind: "text" }],
  [c.ZMQ_ROUTER_HANDOVER, { property: "handover", kind: "flag" }],
  [c.ZMQ_HANDSHAKE_IVL, { property: "handshakeInterval", kind: "int" }],
  [c.ZMQ_XPUB_NODROP, { property: "noDrop", kind: "flag" }],
  [c.ZMQ_XPUB_MANUAL, { property: "manual", kind: "flag" }],
  [c.ZMQ_XPUB_WELCOME_MSG, { property: "welcomeMessage", kind: "text" }],
  [c.ZMQ_INVERT_MATCHING, { property: "invertMatching", kind: "flag" }],
  [c.ZMQ_HEARTBEAT_IVL, { property: "heartbeatInterval", kind: "int" }],
  [c.ZMQ_HEARTBEAT_TTL, { property: "heartbeatTimeToLive", kind: "int" }],
  [c.ZMQ_HEARTBEAT_TIMEOUT, { property: "heartbeatTimeout", kind: "int" }],
  [c.ZMQ_CONNECT_TIMEOUT, { property: "connectTimeout", kind: "int" }],
])

/** The 5.x short names: each is also a property of the compat Socket (`sock.backlog = 50`). */
export const options = {
  _fd: c.ZMQ_FD,
  _ioevents: c.ZMQ_EVENTS,
  _receiveMore: c.ZMQ_RCVMORE,
  _subscribe: c.ZMQ_SUBSCRIBE,
  _unsubscribe: c.ZMQ_UNSUBSCRIBE,
  affinity: c.ZMQ_AFFINITY,
  backlog: c.ZMQ_BACKLOG,
  identity: c.ZMQ_IDENTITY,
  linger: c.ZMQ_LINGER,
  rate: c.ZMQ_RATE,
  rcvbuf: c.ZMQ_RCVBUF,
  last_endpoint: c.ZMQ_LAST_ENDPOINT,
  reconnect_ivl: c.ZMQ_RECONNECT_IVL,
  recovery_ivl: c.ZMQ_RECOVERY_IVL,
  sndbuf: c.ZMQ_SNDBUF,
  mechanism: c.ZMQ_MECHANISM,
  plain_server: c.ZMQ_PLAIN_SERVER,
  plain_username: c.ZMQ_PLAIN_USERNAME,
  plain_password: c.ZMQ_PLAIN_PASSWORD,
  curve_server: c.ZMQ_CURVE_SERVER,
  curve_publickey: c.ZMQ_CURVE_PUBLICKEY,
  curve_secretkey: c.ZMQ_CURVE_SECRETKEY,
  curve_serverkey: c.ZMQ_CURVE_SERVERKEY,
  zap_domain: c.ZMQ_ZAP_DOMAIN,
  heartbeat_ivl: c.ZMQ_HEARTBEAT_IVL,
  heartbeat_ttl: c.ZMQ_HEARTBEAT_TTL,
  heartbeat_timeout: c.ZMQ_HEARTBEAT_TIMEOUT,
  connect_timeout: c.ZMQ_CONNECT_TIMEOUT,
} as const

export type OptionName = keyof typeof options

/** An option given by id or short name, as an id; unknown names and ids are an Error. */
export function optionId(option: number | string): number {
  if (typeof option === "number") return option
  if (Object.hasOwn(options, option)) return options[option as OptionName]
  throw new Error(`Unknown option ${option}`)
}

/** A view of a v6 socket's option properties by name. */
type Properties = Record<string, unknown>

export function mappingOf(id: number): Mapping | undefined {
  return BY_ID.get(id)
}

/** Writes a libzmq-style value to the v6 property; the v6 socket validates it. */
export function writeOption(socket: object, mapping: Mapping, value: unknown): void {
  if (mapping.readOnly) throw new Error(`Option ${mapping.property} is read-only`)
  const target = socket as Properties
  if (!(mapping.property in target)) throw new Error(`Option ${mapping.property} is not supported by this socket`)
  target[mapping.property] = toV6(mapping.kind, value)
}

/** Reads the v6 property back the libzmq way (flags as 0/1). */
export function readOption(socket: object, mapping: Mapping): unknown {
  const target = socket as Properties
  if (!(mapping.property in target)) throw new Error(`Option ${mapping.property} is not supported by this socket`)
  const value = target[mapping.property]
  switch (mapping.kind) {
    case "flag": return value ? 1 : 0
    case "notFlag": return value ? 0 : 1
    case "verbose": return value === null ? 0 : 1
    case "verboser": return value === "allSubsUnsubs" ? 1 : 0
    case "text": return Buffer.isBuffer(value) ? value.toString() : value
    default: return value
  }
}

function toV6(kind: Kind, value: unknown): unknown {
  switch (kind) {
    case "int": return typeof value === "string" ? Number(value) : value
    case "flag": return Boolean(value)
    case "notFlag": return !value
    case "verbose": return value ? "allSubs" : null
    case "verboser": return value ? "allSubsUnsubs" : null
    case "text": return Buffer.isBuffer(value) ? value.toString() : value
    // 32 raw octets stay a Buffer; Z85 text given as a Buffer becomes the string it spells.
    case "key": return Buffer.isBuffer(value) && value.length === 40 ? value.toString() : value
  }
}
