// setsockopt/getsockopt of the 5.x API: libzmq option ids (and their 5.x short names, such as
// `sock.linger` or `setsockopt("backlog", 75)`) mapped onto the v6 socket's option properties.
// The ids come from the one table the v6 binding-level calls use (socket/option-ids.ts); only
// the 5.x ids without a v6 property of their own (ZMQ_IPV4ONLY, ZMQ_XPUB_VERBOSE/VERBOSER) are
// listed here. Values arrive the libzmq way (0/1 for flags, Buffers for strings and keys) and
// are converted.
import { OPTION_IDS, type OptionIdType } from "../../socket/option-ids.js"
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

/** 5.x ids that stand for a v6 property in another form (not in the v6 id table). */
const FIVE_X_ONLY = new Map<number, Mapping>([
  [c.ZMQ_IPV4ONLY, { property: "ipv6", kind: "notFlag" }],
  [c.ZMQ_XPUB_VERBOSE, { property: "verbosity", kind: "verbose" }],
  [c.ZMQ_XPUB_VERBOSER, { property: "verbosity", kind: "verboser" }],
])

/** Options the v6 socket only reports (setting one is an error). */
const READ_ONLY = new Set(["type", "lastEndpoint", "securityMechanism", "threadSafe"])

function kindOf(property: string, type: OptionIdType): Kind {
  if (type === "bool") return "flag"
  if (type === "string") return /^curve\w*Key$/.test(property) ? "key" : "text"
  return "int"
}

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
  throw optionError(`Unknown option ${String(option)}`)
}

/** zeromq 5.x's texts ("Unknown option ..."), with the code every bad input here carries. */
export function optionError(text: string): Error & { code: "EINVAL" } {
  return Object.assign(new Error(text), { code: "EINVAL" as const })
}

/** A view of a v6 socket's option properties by name. */
type Properties = Record<string, unknown>

/** The v6 property an option id stands for, and how its values convert; undefined if none. */
export function mappingOf(id: number): Mapping | undefined {
  const special = FIVE_X_ONLY.get(id)
  if (special !== undefined) return special
  const entry = OPTION_IDS.get(id)
  if (entry === undefined) return undefined
  const [property, type] = entry
  return { property, kind: kindOf(property, type), readOnly: READ_ONLY.has(property) }
}

/** Writes a libzmq-style value to the v6 property; the v6 socket validates it. */
export function writeOption(socket: object, mapping: Mapping, value: unknown): void {
  if (mapping.readOnly) throw optionError(`Option ${mapping.property} is read-only`)
  const target = socket as Properties
  if (!(mapping.property in target)) throw optionError(`Option ${mapping.property} is not supported by this socket`)
  target[mapping.property] = toV6(mapping.kind, value)
}

/** Reads the v6 property back the libzmq way (flags as 0/1). */
export function readOption(socket: object, mapping: Mapping): unknown {
  const target = socket as Properties
  if (!(mapping.property in target)) throw optionError(`Option ${mapping.property} is not supported by this socket`)
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
