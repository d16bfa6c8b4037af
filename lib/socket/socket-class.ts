// zeromq.js's binding-level `Socket`: `new Socket(type, options)` with libzmq's numeric socket
// types (zmq.h ZMQ_PAIR = 0 ...). It builds the matching socket class of this package, so a
// `new Socket(5)` is a Dealer in all but name; `class Mine extends Socket { constructor() {
// super(5) } }` gets Mine's own methods on top. `x instanceof Socket` holds for every socket.
import { zmqError } from "../errors.js"
import type { ContextOptions, Context } from "./context.js"
import { SOCKET_TYPE_IDS } from "./option-ids.js"
import type { ZmqjsProperties } from "./zmqjs-compat.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"
import { Pair } from "./pair.js"
import { Publisher } from "./publisher.js"
import { Subscriber } from "./subscriber.js"
import { Request } from "./request.js"
import { Reply } from "./reply.js"
import { Dealer } from "./dealer.js"
import { Router } from "./router.js"
import { Pull } from "./pull.js"
import { Push } from "./push.js"
import { XPublisher } from "./xpublisher.js"
import { XSubscriber } from "./xsubscriber.js"
import { Server } from "./server.js"
import { Client } from "./client.js"
import { Radio } from "./radio.js"
import { Dish } from "./dish.js"
import { Gather } from "./gather.js"
import { Scatter } from "./scatter.js"
import { Datagram } from "./datagram.js"
import { Stream } from "./stream.js"

const CLASSES: Readonly<Record<string, new (options: object) => SocketBase>> = {
  PAIR: Pair, PUB: Publisher, SUB: Subscriber, REQ: Request, REP: Reply, DEALER: Dealer, ROUTER: Router,
  PULL: Pull, PUSH: Push, XPUB: XPublisher, XSUB: XSubscriber, SERVER: Server, CLIENT: Client, RADIO: Radio,
  DISH: Dish, GATHER: Gather, SCATTER: Scatter, DGRAM: Datagram, STREAM: Stream,
}

/** Prototypes made for subclasses of Socket, per (subclass, socket class). */
const mixed = new WeakMap<object, Map<object, object>>()

function prototypeFor(subclass: { prototype: object }, base: { prototype: object }): object {
  let perBase = mixed.get(subclass)
  if (perBase === undefined) mixed.set(subclass, (perBase = new Map()))
  let proto = perBase.get(base)
  if (proto === undefined) {
    proto = Object.create(base.prototype) as object
    // The subclass's own members, nearest last so they win; Socket.prototype itself has none.
    const chain: object[] = []
    for (let p = subclass.prototype; p !== Socket.prototype && p !== null; p = Object.getPrototypeOf(p) as object) chain.unshift(p)
    for (const p of chain) for (const key of Reflect.ownKeys(p)) {
      if (key !== "constructor") Object.defineProperty(proto, key, Object.getOwnPropertyDescriptor(p, key)!)
    }
    Object.defineProperty(proto, "constructor", { value: subclass, configurable: true, writable: true })
    perBase.set(base, proto)
  }
  return proto
}

export interface SocketConstructorOptions extends SocketOptions {
  context?: Context
  [option: string]: unknown
}

/**
 * A socket of libzmq's numeric type (zeromq.js's binding class). Prefer the named classes.
 * @example const dealer = new Socket(5, { linger: 0 }) // ZMQ_DEALER
 */
class SocketClass {
  constructor(type: number, options?: SocketConstructorOptions) {
    if (arguments.length > 2) throw new TypeError("Expected 2 arguments")
    if (typeof type !== "number") throw new TypeError("Socket type must be a number")
    if (options !== undefined && (typeof options !== "object" || options === null)) throw new TypeError("Options must be an object")
    const name = SOCKET_TYPE_IDS.get(type)
    if (name === undefined) throw zmqError("EINVAL", `Unknown socket type ${type}`)
    const Class = CLASSES[name]!
    const socket = new Class(options ?? {})
    if (new.target !== SocketClass && new.target !== Socket) Object.setPrototypeOf(socket, prototypeFor(new.target, Class))
    return socket as unknown as SocketClass
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (this === SocketClass || this === Socket) return value instanceof SocketBase
    if (typeof value !== "object" || value === null) return false
    const proto = mixed.get(this)
    for (let p = Object.getPrototypeOf(value) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
      if (p === this.prototype || (proto !== undefined && [...proto.values()].includes(p))) return true
    }
    return false
  }
}

/** The instance side: everything every socket has. */
interface SocketClass extends Omit<SocketBase, never> {}

/** Called without `new`, V8's text for native classes (zeromq.js's Socket is one). */
export const Socket: typeof SocketClass = new Proxy(SocketClass, {
  apply() { throw new TypeError("Class constructors cannot be invoked without 'new'") },
})
export type Socket = SocketClass

export type { ContextOptions }

// Every socket has zeromq.js's extra options and the numeric option calls (zmqjs-compat.ts).
declare module "./socket-base.js" {
  interface SocketBase extends ZmqjsProperties {}
}
