// What zeromq.js code expects of every socket beyond this package's options table: the
// `context` option, libzmq options that are accepted and reported back but change nothing here
// (no kernel knobs behind them), read-only options, the warning for options set after
// bind/connect, the numeric get*Option/set*Option calls, and non-extensible sockets (assigning
// an unknown option is a TypeError, as zeromq.js's sealed native objects make it).
import { zmqError } from "../errors.js"
import type { SocketType } from "../zmtp/compat.js"
import { Context, checkKind, context as defaultContext, readonlyError, unknownPropertyError } from "./context.js"
import { MECHANISM_IDS, OPTION_IDS, SOCKET_TYPE_IDS, type OptionIdType } from "./option-ids.js"
import { hasOption, setOption, type OptionName, type OptionValues } from "./options.js"

/** libzmq options kept only to be read back (zeromq.js names and libzmq defaults). */
const STORED: Readonly<Record<string, { kind: "int" | "bool" | "string" | "uint64"; default: unknown }>> = {
  affinity: { kind: "uint64", default: 0 },
  rate: { kind: "int", default: 100 },
  recoveryInterval: { kind: "int", default: 10000 },
  sendBufferSize: { kind: "int", default: -1 },
  receiveBufferSize: { kind: "int", default: -1 },
  backlog: { kind: "int", default: 100 },
  multicastHops: { kind: "int", default: 1 },
  tcpKeepalive: { kind: "int", default: -1 },
  tcpKeepaliveCount: { kind: "int", default: -1 },
  tcpKeepaliveIdle: { kind: "int", default: -1 },
  tcpKeepaliveInterval: { kind: "int", default: -1 },
  tcpAcceptFilter: { kind: "string", default: null },
  ipv6: { kind: "bool", default: false },
  typeOfService: { kind: "int", default: 0 },
  socksProxy: { kind: "string", default: null },
  connectTimeout: { kind: "int", default: 0 },
  tcpMaxRetransmitTimeout: { kind: "int", default: 0 },
  multicastMaxTransportDataUnit: { kind: "int", default: 1500 },
  interface: { kind: "string", default: null },
  zapEnforceDomain: { kind: "bool", default: false },
  loopbackFastPath: { kind: "bool", default: false },
}

/** Read-only options (zeromq.js Acc.Read); `type` and `lastEndpoint` are fields of SocketBase. */
const READONLY = new Set(["securityMechanism", "threadSafe", "context", "type", "lastEndpoint"])

/** Options that act at once, so setting them on a live socket warns nobody (zeromq.js's list, plus ours). */
const IMMEDIATE = new Set([
  "linger", "mandatory", "probeRouter", "verbosity", "correlate", "relaxed", "handover", "sendHighWaterMark",
  "receiveHighWaterMark", "sendTimeout", "receiveTimeout", "codec", "receiveMetadata", "noDrop", "discovery", "notify",
])

const WARNING = "Socket option will not take effect until next connect/bind."

/** What this file needs of a socket (SocketBase gives it; no import upward of it). */
export interface CompatSocket {
  readonly type: SocketType
  readonly closed: boolean
  /** Bound, connected, or a bind/unbind in flight. */
  readonly endpointsInUse: boolean
}

interface CompatState { context: Context; stored: Map<string, unknown>; counted: boolean }
const states = new WeakMap<object, CompatState>()

function stateOf(socket: object): CompatState {
  let state = states.get(socket)
  if (state === undefined) states.set(socket, (state = { context: defaultContext, stored: new Map(), counted: false }))
  return state
}

/** The constructor's options: table options through setOption, the rest handled here. */
export function applyConstructorOptions(socket: CompatSocket, values: OptionValues, options: object): void {
  if (typeof options !== "object" || options === null) throw new TypeError("Options must be an object")
  const state = stateOf(socket)
  const ctx = (options as { context?: unknown }).context
  if (ctx !== undefined) {
    if (!(ctx instanceof Context)) throw zmqError("EINVAL", "Option context must be a Context")
    state.context = ctx
  }
  for (const [name, value] of Object.entries(options)) {
    if (name === "context") continue
    if (READONLY.has(name)) throw readonlyError(name, "Socket")
    if (Object.hasOwn(STORED, name)) storeOption(state, name, value)
    else if (hasOption(socket.type, name)) setOption(values, name, normalise(name, value))
    else throw unknownPropertyError(name)
  }
  state.context.socketOpened()
  state.counted = true
}

/** close(): the context counts one socket fewer (maxSockets). */
export function releaseContext(socket: object): void {
  const state = states.get(socket)
  if (state?.counted !== true) return
  state.counted = false
  state.context.socketClosed()
}

function storeOption(state: CompatState, name: string, value: unknown): void {
  const spec = STORED[name]!
  checkKind(spec.kind, value)
  if (spec.kind === "int" && (!Number.isInteger(value) || (value as number) < -1 || (value as number) > 2 ** 31 - 1)) {
    throw zmqError("EINVAL", `Invalid value ${String(value)} for option ${name}`)
  }
  if (spec.kind === "uint64" && (!Number.isInteger(value) || (value as number) < 0)) throw zmqError("EINVAL", `Invalid value for option ${name}`)
  state.stored.set(name, Buffer.isBuffer(value) ? value.toString() : value)
}

/** zeromq.js takes a Buffer for string options and gives back its UTF-8 text. */
function normalise(name: string, value: unknown): unknown {
  return name === "routingId" && Buffer.isBuffer(value) ? value.toString() : value
}

function securityMechanism(socket: object): "plain" | "curve" | null {
  const s = socket as Record<string, unknown>
  if (s.plainServer === true || s.plainUsername != null) return "plain"
  if (s.curveServer === true || s.curveServerKey != null) return "curve"
  return null
}

function warnIfLate(socket: CompatSocket, name: string): void {
  if (IMMEDIATE.has(name) || !socket.endpointsInUse || socket.closed) return
  ;(globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(WARNING)
}

/** Installs the accessors and methods above on the socket base prototype (once, at load). */
export function installZmqjsCompat(prototype: object, tableOptions: readonly OptionName[]): void {
  for (const [name, spec] of Object.entries(STORED)) {
    Object.defineProperty(prototype, name, {
      configurable: true, enumerable: true,
      get(this: object) { return stateOf(this).stored.get(name) ?? spec.default },
      set(this: CompatSocket, value: unknown) { storeOption(stateOf(this), name, value); warnIfLate(this, name) },
    })
  }
  const getters: Record<string, (this: object) => unknown> = {
    securityMechanism(this: object) { return securityMechanism(this) },
    threadSafe() { return false },
    context(this: object) { return stateOf(this).context },
  }
  for (const [name, get] of Object.entries(getters)) {
    const set = (): never => { throw readonlyError(name, "Socket") } // zeromq.js's text in sloppy code too
    Object.defineProperty(prototype, name, { configurable: true, enumerable: true, get, set })
  }
  for (const name of tableOptions) wrapSetter(prototype, name)
  Object.assign(prototype, numericOptionMethods())
  sealInstances(prototype)
}

function wrapSetter(prototype: object, name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name)
  const set = descriptor?.set
  if (descriptor === undefined || set === undefined) return
  Object.defineProperty(prototype, name, {
    ...descriptor,
    set(this: CompatSocket, value: unknown) { set.call(this, normalise(name, value)); warnIfLate(this, name) },
  })
}

/**
 * A new property reaching the end of a socket's prototype chain is an unknown option: throw as a
 * non-extensible object would. Fields are defined, not assigned, so they never get here.
 * The Proxy goes last in the chain (just above Object.prototype): a lookup that passes through a
 * Proxy gets no inline cache, so one between the socket classes (SocketBase -> SocketHooks) made
 * every hook and getter call on the send and receive paths a slow lookup.
 */
function sealInstances(prototype: object): void {
  let last = prototype
  for (let up = Object.getPrototypeOf(last) as object | null; up !== null && up !== Object.prototype; up = Object.getPrototypeOf(up) as object | null) last = up
  const end = new Proxy(Object.getPrototypeOf(last) as object, {
    set(target, key, value, receiver) {
      if (typeof key === "string" && states.has(receiver as object)) throw unknownPropertyError(key)
      return Reflect.set(target, key, value, receiver)
    },
  })
  Object.setPrototypeOf(last, end)
}

function lookup(id: unknown): readonly [string, OptionIdType] {
  const entry = typeof id === "number" ? OPTION_IDS.get(id) : undefined
  if (entry === undefined) throw zmqError("EINVAL", `Unknown socket option id ${String(id)}`)
  return entry
}

function getById(socket: Record<string, unknown>, id: unknown): unknown {
  const [name, type] = lookup(id)
  if (name === "securityMechanism") return MECHANISM_IDS[securityMechanism(socket) ?? "null"]
  if (name === "type") return [...SOCKET_TYPE_IDS].find(([, t]) => t === socket.type)?.[0]
  const value = socket[name]
  if (type === "string") return value == null ? null : String(value)
  if (type === "uint64" && typeof value === "number" && value > Number.MAX_SAFE_INTEGER) {
    ;(globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(
      "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.")
  }
  return value
}

function setById(socket: Record<string, unknown>, id: unknown, value: unknown): void {
  const [name] = lookup(id)
  if (READONLY.has(name)) throw zmqError("EINVAL", `Socket option ${name} is read-only`)
  socket[name] = value
}

/** getBoolOption(id) ... setStringOption(id, value): zeromq.js's binding-level option calls. */
function numericOptionMethods(): Record<string, (this: Record<string, unknown>, ...args: unknown[]) => unknown> {
  const methods: Record<string, (this: Record<string, unknown>, ...args: unknown[]) => unknown> = {}
  for (const kind of ["Bool", "Int32", "Uint32", "Int64", "Uint64", "String"]) {
    methods[`get${kind}Option`] = function (this: Record<string, unknown>, id: unknown) { return getById(this, id) }
    methods[`set${kind}Option`] = function (this: Record<string, unknown>, id: unknown, value: unknown) { setById(this, id, value) }
  }
  return methods
}

/** The options above, for constructors (zeromq.js names; stored, no effect here). */
export interface ZmqjsOptions {
  /** zeromq.js: the Context the socket belongs to (default: `context`). */
  context?: Context
  affinity?: number
  rate?: number
  recoveryInterval?: number
  sendBufferSize?: number
  receiveBufferSize?: number
  backlog?: number
  multicastHops?: number
  tcpKeepalive?: number
  tcpKeepaliveCount?: number
  tcpKeepaliveIdle?: number
  tcpKeepaliveInterval?: number
  tcpAcceptFilter?: string | null
  ipv6?: boolean
  typeOfService?: number
  socksProxy?: string | null
  connectTimeout?: number
  tcpMaxRetransmitTimeout?: number
  multicastMaxTransportDataUnit?: number
  interface?: string | null
  zapEnforceDomain?: boolean
  loopbackFastPath?: boolean
}

/** The same as socket properties, plus the read-only ones and the numeric option calls. */
export type ZmqjsProperties = Required<Omit<ZmqjsOptions, "context">> & {
  context: Context // read-only at run time (a TypeError); typed writable to merge with Required<SocketOptions>
  readonly securityMechanism: "plain" | "curve" | null
  readonly threadSafe: boolean
  getBoolOption(id: number): boolean
  setBoolOption(id: number, value: boolean): void
  getInt32Option(id: number): number
  setInt32Option(id: number, value: number): void
  getUint32Option(id: number): number
  setUint32Option(id: number, value: number): void
  getInt64Option(id: number): number
  setInt64Option(id: number, value: number): void
  getUint64Option(id: number): number
  setUint64Option(id: number, value: number): void
  getStringOption(id: number): string | null
  setStringOption(id: number, value: string | Buffer | null): void
}

declare module "./options.js" {
  interface SocketOptions extends ZmqjsOptions {}
}
