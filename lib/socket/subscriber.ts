// SUB (RFC 29; libzmq sub.cpp on xsub.cpp): subscribe()/unsubscribe() instead of send(), and a
// local prefix filter on receive (messages in flight after an unsubscribe, invertMatching, a
// publisher that does not filter), as libzmq's SUB also filters.
import { zmqError } from "../errors.js"
import type { Message } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { SubscriberCore } from "./xsubscriber.js"

export interface SubscriberOptions extends SocketOptions {
  /** Keep only the newest message per publisher. */
  conflate?: boolean
  /** Deliver only messages that match NO subscription (set it on the publisher too). */
  invertMatching?: boolean
}

export interface Subscriber<Value = Buffer[]> extends Required<SubscriberOptions> {}

export class Subscriber<Value = Buffer[]> extends SubscriberCore implements AsyncIterable<Value> {
  constructor(options: SubscriberOptions = {}) {
    super("SUB", options)
  }

  /**
   * Subscribes to messages whose first frame starts with one of `prefixes` (none: everything).
   * Subscriptions count: subscribing "A" twice takes two unsubscribe("A") to end.
   *
   *     sub.subscribe("weather.")
   */
  subscribe(...prefixes: Array<Buffer | string>): void {
    for (const prefix of prefixes.length ? prefixes : [""]) this.changeSubscription(Buffer.from(prefix), true)
  }

  /** Takes back one subscribe() of each prefix (none: the subscribe-to-everything). */
  unsubscribe(...prefixes: Array<Buffer | string>): void {
    for (const prefix of prefixes.length ? prefixes : [""]) this.changeSubscription(Buffer.from(prefix), false)
  }

  receive(): Promise<Value> { return this.receiveMessage() as Promise<Value> }

  [Symbol.asyncIterator](): AsyncIterator<Value> { return this.messages() as AsyncGenerator<Value> }

  protected override xsend(): boolean { return false }
  protected override get xhasOut(): boolean { return false }

  protected override xreceive(): Message | undefined {
    const invert = this.options.invertMatching === true
    for (let message = super.xreceive(); message; message = super.xreceive()) {
      if (this.subscriptions.matches(message[0] ?? EMPTY) !== invert) return message
      this.counters.drop("filtered")
    }
    return undefined
  }
}

const EMPTY = Buffer.alloc(0)

/**
 * send() is not in the type (a SUB cannot send, as in zeromq.js's typings) but exists at runtime,
 * as in zeromq.js: code that calls it anyway gets zeromq.js's argument error, or libzmq's ENOTSUP.
 */
Object.defineProperty(Subscriber.prototype, "send", {
  configurable: true,
  writable: true,
  value(message?: unknown): Promise<void> {
    if (message === undefined) throw Object.assign(new TypeError("Message must be present"), { code: "EINVAL" })
    return Promise.reject(zmqError("ENOTSUP", "a SUB socket cannot send; use subscribe()"))
  },
})
