// The one declarative table of socket options (zeromq.js names, defaults and units), their
// validation, and which socket types have them. Accessors are generated from it onto the
// socket prototypes, so `new Push({ linger: 0 })` and `push.linger = 0` share one code path.
import { zmqError } from "../errors.js"
import { z85Decode } from "../security/z85.js"
import type { DiscoveryConfig } from "../discovery/index.js"
import type { SocketType } from "../zmtp/compat.js"
import type { Conflate } from "../pipe/pipe.js"
import type { ReliableOptions } from "../reliable/options.js"

/** What an option of each kind holds once validated: the option values' types come from here. */
interface KindValues {
  int: number
  bool: boolean
  routingId: string | null
  string: string | Buffer | null
  credential: string | null
  curveKey: string | Buffer | null
  codec: "msgpack" | null
  reliable: boolean | ReliableOptions
  discovery: DiscoveryConfig | null
  verbosity: "allSubs" | "allSubsUnsubs" | null
}

type Kind = keyof KindValues

interface OptionSpec {
  readonly kind: Kind
  readonly default: unknown
  /** Socket types that have the option; all when absent. */
  readonly only?: readonly SocketType[]
  /** Smallest accepted integer (default -1: libzmq uses -1 for "infinite"/"none"). */
  readonly min?: number
  /** Largest accepted integer (default 2^31-1). */
  readonly max?: number
  /** Only the constructor may set it; setting the property later throws EINVAL. */
  readonly fixed?: boolean
}

/**
 * Which queues `conflate` applies to, per socket type that has it: what a socket sends for the
 * sending types, what it receives for the receiving ones (a PUB's inbound carries subscriptions,
 * which must never be conflated away), both for DEALER (libzmq socket_base_t).
 */
export const CONFLATED_QUEUES: Partial<Record<SocketType, Conflate>> = {
  PUSH: "out", PULL: "in", DEALER: "both", PUB: "out", XPUB: "out", SUB: "in",
}

const ROUTING = ["REQ", "REP", "ROUTER", "DEALER"] as const
const PUBLISHING = ["PUB", "XPUB"] as const

export const OPTION_TABLE = {
  sendHighWaterMark: { kind: "int", default: 1000, min: 0 },
  receiveHighWaterMark: { kind: "int", default: 1000, min: 0 },
  sendTimeout: { kind: "int", default: -1 },
  receiveTimeout: { kind: "int", default: -1 },
  linger: { kind: "int", default: -1 },
  reconnectInterval: { kind: "int", default: 100 },
  reconnectMaxInterval: { kind: "int", default: 0, min: 0 },
  heartbeatInterval: { kind: "int", default: 0, min: 0 },
  heartbeatTimeout: { kind: "int", default: -1 },
  heartbeatTimeToLive: { kind: "int", default: 0, min: 0 },
  handshakeInterval: { kind: "int", default: 30000, min: 0 },
  maxMessageSize: { kind: "int", default: -1, max: Number.MAX_SAFE_INTEGER }, // libzmq: int64
  immediate: { kind: "bool", default: false },
  routingId: { kind: "routingId", default: null, only: ROUTING },
  probeRouter: { kind: "bool", default: false, only: ["ROUTER", "DEALER", "REQ"] },
  mandatory: { kind: "bool", default: false, only: ["ROUTER"] },
  handover: { kind: "bool", default: false, only: ["ROUTER"] },
  notify: { kind: "bool", default: true, only: ["STREAM"] },
  relaxed: { kind: "bool", default: false, only: ["REQ"] },
  correlate: { kind: "bool", default: false, only: ["REQ"] },
  noDrop: { kind: "bool", default: false, only: PUBLISHING },
  conflate: { kind: "bool", default: false, only: ["PUSH", "PULL", "DEALER", "SUB", "PUB", "XPUB", "SCATTER", "GATHER"] },
  invertMatching: { kind: "bool", default: false, only: ["PUB", "SUB", "XPUB"] },
  verbosity: { kind: "verbosity", default: null, only: ["XPUB"] },
  manual: { kind: "bool", default: false, only: ["XPUB"] },
  welcomeMessage: { kind: "string", default: null, only: ["XPUB"] },
  codec: { kind: "codec", default: null },
  receiveMetadata: { kind: "bool", default: false },
  discovery: { kind: "discovery", default: null },
  // Senders only: receivers always understand the extension; Publisher is not covered (docs/reliable.md).
  reliable: { kind: "reliable", default: false, only: ["PUSH", "DEALER"], fixed: true },
  plainServer: { kind: "bool", default: false },
  plainUsername: { kind: "credential", default: null },
  plainPassword: { kind: "credential", default: null },
  curveServer: { kind: "bool", default: false },
  curvePublicKey: { kind: "curveKey", default: null },
  curveSecretKey: { kind: "curveKey", default: null },
  curveServerKey: { kind: "curveKey", default: null },
  zapDomain: { kind: "string", default: null },
  wssKeyPem: { kind: "string", default: null },
  wssCertPem: { kind: "string", default: null },
  wssTrustPem: { kind: "string", default: null },
  wssHostname: { kind: "string", default: null },
  wssTrustSystem: { kind: "bool", default: true },
} as const satisfies Record<string, OptionSpec>

export type OptionName = keyof typeof OPTION_TABLE
type Table = typeof OPTION_TABLE

/** The validated value of option N, typed from its kind in the table. */
export type OptionValue<N extends OptionName> = KindValues[Table[N]["kind"]]

/** Options every socket type has (no `only:` in the table). */
export type UniversalOptionName = { [N in OptionName]: Table[N] extends { only: unknown } ? never : N }[OptionName]

/** A socket's current option values: every universal option, and those its type has. */
export type OptionValues = { [N in UniversalOptionName]: OptionValue<N> } & { [N in Exclude<OptionName, UniversalOptionName>]?: OptionValue<N> }

/** Options every socket has. */
export interface SocketOptions {
  sendHighWaterMark?: number
  receiveHighWaterMark?: number
  sendTimeout?: number
  receiveTimeout?: number
  linger?: number
  reconnectInterval?: number
  reconnectMaxInterval?: number
  heartbeatInterval?: number
  heartbeatTimeout?: number
  heartbeatTimeToLive?: number
  handshakeInterval?: number
  maxMessageSize?: number
  /**
   * receive() results carry a non-enumerable `metadata` property: the sending peer's address,
   * routing id, socket type, ZAP user id and CURVE public key (README "Statistics and tracing").
   */
  receiveMetadata?: boolean
  immediate?: boolean
  /** Extension: `"msgpack"` sends and receives plain JS values encoded with MessagePack. */
  codec?: "msgpack" | null
  /** Extension: how mdns:// names are resolved and advertised (mDNS, static seeds, DNS SRV). */
  discovery?: DiscoveryConfig | null
  /** PLAIN (RFC 24) server: clients must present credentials, checked by the ZAP handler. */
  plainServer?: boolean
  /** PLAIN client: the username sent to the server (setting it selects PLAIN). */
  plainUsername?: string | null
  /** PLAIN client: the password sent to the server. */
  plainPassword?: string | null
  /** The domain given to the ZAP handler with each request. */
  zapDomain?: string | null
  /** CURVE (RFC 26) server: needs curveSecretKey; clients must know its public key. */
  curveServer?: boolean
  /** CURVE: this socket's long-term public key (Z85, 40 characters); derived from the secret key. */
  curvePublicKey?: string | null
  /** CURVE: this socket's long-term secret key (Z85). A client without one uses a fresh pair per connection. */
  curveSecretKey?: string | null
  /** CURVE client: the server's public key (Z85); setting it selects CURVE. */
  curveServerKey?: string | null
  /** wss:// bind: the server's private key (PEM); a wss client may set it with wssCertPem for a client certificate. */
  wssKeyPem?: string | null
  /** wss:// bind: the server's certificate chain (PEM). */
  wssCertPem?: string | null
  /** wss:// connect: a CA (PEM) to trust for the server's certificate. */
  wssTrustPem?: string | null
  /** wss:// connect: the name the server's certificate must carry (default: the endpoint's host). */
  wssHostname?: string | null
  /** wss:// connect: trust the system's CAs too (default true; false with wssTrustPem trusts only that CA). */
  wssTrustSystem?: boolean
}

export function hasOption(type: SocketType, name: string): name is OptionName {
  if (!Object.hasOwn(OPTION_TABLE, name)) return false
  const spec: OptionSpec = OPTION_TABLE[name as OptionName]
  return spec.only === undefined || spec.only.includes(type)
}

export function defaultOptions(type: SocketType): OptionValues {
  const values: Partial<Record<OptionName, unknown>> = {}
  for (const [name, spec] of Object.entries(OPTION_TABLE) as [OptionName, OptionSpec][]) {
    if (spec.only === undefined || spec.only.includes(type)) values[name] = spec.default
  }
  return values as OptionValues // the table's defaults are of their kinds
}

/** Validates `value` for option `name` and stores it: the one writer of option values. */
export function setOption(values: OptionValues, name: OptionName, value: unknown): void {
  (values as Partial<Record<OptionName, unknown>>)[name] = validateOption(name, value)
}

/** Checks and normalises one value; throws TypeError (wrong JS type) or EINVAL (out of range). */
export function validateOption<N extends OptionName>(name: N, value: unknown): OptionValue<N> {
  return validateKind(name, value) as OptionValue<N> // validateKind returns only values of N's kind
}

function validateKind(name: OptionName, value: unknown): unknown {
  const spec: OptionSpec = OPTION_TABLE[name]
  switch (spec.kind) {
    case "int":
      if (typeof value !== "number") throw new TypeError(`Option ${name} must be a number`)
      if (!Number.isInteger(value) || value < (spec.min ?? -1) || value > (spec.max ?? 2 ** 31 - 1)) {
        throw zmqError("EINVAL", `Invalid value ${value} for option ${name}`)
      }
      return value
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(`Option ${name} must be a boolean`)
      return value
    case "string":
      if (value !== null && typeof value !== "string" && !Buffer.isBuffer(value)) {
        throw new TypeError(`Option ${name} must be a string or Buffer`)
      }
      return value
    case "credential":
      // RFC 24: one octet of length each.
      if (value !== null && typeof value !== "string") throw new TypeError(`Option ${name} must be a string`)
      if (value !== null && Buffer.byteLength(value) > 255) throw zmqError("EINVAL", `Option ${name} is longer than 255 octets`)
      return value
    case "routingId":
      return validateRoutingId(value)
    case "codec":
      if (value !== null && value !== "msgpack") throw zmqError("EINVAL", `Unknown codec ${String(value)}`)
      return value
    case "verbosity":
      // zeromq.js values; 0/1/2 (libzmq plain/XPUB_VERBOSE/XPUB_VERBOSER) are accepted too.
      if (value === null || value === "allSubs" || value === "allSubsUnsubs") return value
      if (value === 0 || value === 1 || value === 2) return ([null, "allSubs", "allSubsUnsubs"] as const)[value]
      throw zmqError("EINVAL", `verbosity must be null, "allSubs" or "allSubsUnsubs"`)
    case "discovery":
      if (value !== null && (typeof value !== "object" || Array.isArray(value))) {
        throw new TypeError(`Option ${name} must be an object`)
      }
      return value
    case "reliable":
      if (typeof value !== "boolean" && (typeof value !== "object" || value === null)) {
        throw new TypeError("Option reliable must be a boolean or an options object")
      }
      return value
    case "curveKey":
      // zeromq.js: Z85 text of 40 characters; 32 raw octets are taken too.
      if (value === null) return value
      if (typeof value === "string") {
        if (value.length !== 40) throw zmqError("EINVAL", `Option ${name} must be 40 characters of Z85 (a 32-octet key)`)
        z85Decode(value)
        return value
      }
      if (value instanceof Uint8Array && value.length === 32) return Buffer.from(value)
      throw zmqError("EINVAL", `Option ${name} must be a Z85 string of 40 characters or 32 octets`)
  }
}

function validateRoutingId(value: unknown): string | null {
  if (value === null) return null
  if (typeof value !== "string") throw new TypeError("Option routingId must be a string")
  const bytes = Buffer.byteLength(value)
  if (bytes === 0 || bytes > 255 || value.charCodeAt(0) === 0) {
    throw zmqError("EINVAL", "routingId must be 1 to 255 bytes and must not start with a zero byte")
  }
  return value
}

/**
 * Makes every option of the table a property too (`sock.linger = 0`), validated like the
 * constructor's; socket types declare the ones they have through interface merging.
 */
export function installOptionAccessors(prototype: object, valuesOf: (socket: object) => OptionValues, typeOf: (socket: object) => SocketType): void {
  for (const name of Object.keys(OPTION_TABLE) as OptionName[]) {
    Object.defineProperty(prototype, name, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        return valuesOf(this)[name]
      },
      set(this: object, value: unknown) {
        if (!hasOption(typeOf(this), name)) throw new TypeError(`Unknown option ${name} for a ${typeOf(this)} socket`)
        if ((OPTION_TABLE[name] as OptionSpec).fixed === true) {
          throw zmqError("EINVAL", `Option ${name} is fixed at construction: pass it to the constructor`)
        }
        setOption(valuesOf(this), name, value)
      },
    })
  }
}
