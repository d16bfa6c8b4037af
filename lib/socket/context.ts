// zeromq.js's Context: libzmq's I/O threads and socket limit. Sockets here share Node's event
// loop, so a Context tunes nothing; it exists so code that creates one and passes
// `{ context }` to sockets runs unchanged, and it reports back what was set (zeromq.js names,
// libzmq defaults). Only maxSockets has an effect: more open sockets than that fail with EMFILE.
import { zmqError } from "../errors.js"

type ContextKind = "int" | "bool" | "string"

const CONTEXT_OPTIONS: Readonly<Record<string, { kind: ContextKind; readonly?: true; writeOnly?: true }>> = {
  ioThreads: { kind: "int" },
  maxSockets: { kind: "int" },
  maxSocketsLimit: { kind: "int", readonly: true },
  threadPriority: { kind: "int", writeOnly: true },
  threadSchedulingPolicy: { kind: "int", writeOnly: true },
  maxMessageSize: { kind: "int" },
  ipv6: { kind: "bool" },
  blocky: { kind: "bool" },
  threadNamePrefix: { kind: "string" },
}

/** The message V8 gives for an assignment to a getter-only property (what zeromq.js users see). */
export function readonlyError(name: string, owner: string): TypeError {
  return new TypeError(`Cannot set property ${name} of #<${owner}> which has only a getter`)
}

/** The message V8 gives for a new property on a non-extensible object. */
export function unknownPropertyError(name: string): TypeError {
  return new TypeError(`Cannot add property ${name}, object is not extensible`)
}

/** zeromq.js's type check texts for option values. */
export function checkKind(kind: ContextKind | "uint64", value: unknown): void {
  if ((kind === "int" || kind === "uint64") && typeof value !== "number") throw new TypeError("Option value must be a number")
  if (kind === "bool" && typeof value !== "boolean") throw new TypeError("Option value must be a boolean")
  if (kind === "string" && value !== null && typeof value !== "string" && !Buffer.isBuffer(value)) {
    throw new TypeError("Option value must be a string or buffer")
  }
}

export interface ContextOptions {
  ioThreads?: number
  maxSockets?: number
  threadPriority?: number
  threadSchedulingPolicy?: number
  maxMessageSize?: number
  ipv6?: boolean
  blocky?: boolean
  threadNamePrefix?: string
}

/**
 * Accepted for zeromq.js compatibility; there are no I/O threads to tune.
 * @example const ctx = new Context({ ioThreads: 2 }); const s = new Dealer({ context: ctx })
 */
export class Context {
  private readonly values: Record<string, unknown> = {
    ioThreads: 1, maxSockets: 1023, maxSocketsLimit: 65535, maxMessageSize: 2 ** 31 - 1, ipv6: false, blocky: true,
  }
  /** Open sockets created with this context (maxSockets applies to them). */
  private open = 0

  constructor(options?: ContextOptions) {
    if (arguments.length > 1) throw new TypeError("Expected 1 argument")
    if (options !== undefined && (typeof options !== "object" || options === null)) throw new TypeError("Options must be an object")
    for (const [name, value] of Object.entries(options ?? {})) this.set(name, value)
    if (new.target === Context) Object.preventExtensions(this)
  }

  /** Counts a socket in; EMFILE past maxSockets (libzmq's zmq_socket). Internal. */
  socketOpened(): void {
    if (this.open >= (this.values.maxSockets as number)) throw zmqError("EMFILE", `More than maxSockets (${String(this.values.maxSockets)}) sockets`)
    this.open += 1
  }

  /** Internal. */
  socketClosed(): void { this.open = Math.max(0, this.open - 1) }

  private set(name: string, value: unknown): void {
    const spec = CONTEXT_OPTIONS[name]
    if (spec === undefined) throw unknownPropertyError(name)
    if (spec.readonly === true) throw readonlyError(name, "Context")
    checkKind(spec.kind, value)
    if (spec.kind === "int" && (!Number.isInteger(value) || (value as number) < -1)) throw zmqError("EINVAL", `Invalid value for context option ${name}`)
    this.values[name] = Buffer.isBuffer(value) ? value.toString() : value
  }
}

export interface Context {
  ioThreads: number
  maxSockets: number
  readonly maxSocketsLimit: number
  threadPriority: number
  threadSchedulingPolicy: number
  maxMessageSize: number
  ipv6: boolean
  blocky: boolean
  threadNamePrefix: string
}

for (const [name, spec] of Object.entries(CONTEXT_OPTIONS)) {
  Object.defineProperty(Context.prototype, name, {
    configurable: true,
    enumerable: true,
    get(this: Context) {
      // libzmq cannot read write-only context options back either.
      if (spec.writeOnly === true) throw zmqError("EINVAL", `Context option ${name} is write-only`)
      return (this as unknown as { values: Record<string, unknown> }).values[name]
    },
    set: spec.readonly === true ? undefined : function (this: Context, value: unknown) {
      (this as unknown as { set(n: string, v: unknown): void }).set(name, value)
    },
  })
}

/** The default context every socket uses unless given `{ context }` (zeromq.js `context`). */
export const context = new Context()
