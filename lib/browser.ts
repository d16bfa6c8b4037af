// The browser build's entry point ("brokerless/browser", bundled by scripts/build-browser.mjs):
// the client side of every pattern over ws:// and wss:// with NULL, PLAIN and CURVE, on the
// global WebSocket. The bundle replaces the Node transports (tcp, ipc, udp, mDNS, binding a
// port) with stubs that fail with a clear error; inproc:// works inside the page.
export { ZmqError } from "./errors.js"
export type { ErrorCode, ProtocolErrorCode, AnyErrorCode } from "./errors.js"
export type { SocketEvent, EventType, SocketEvents } from "./events.js"
export type { MessageLike, MessageInput } from "./message.js"
export type { SocketOptions } from "./socket/options.js"
export { Push } from "./socket/push.js"
export { Pull } from "./socket/pull.js"
export { Pair } from "./socket/pair.js"
export { Publisher } from "./socket/publisher.js"
export { Subscriber } from "./socket/subscriber.js"
export { XPublisher } from "./socket/xpublisher.js"
export { XSubscriber } from "./socket/xsubscriber.js"
export { Request } from "./socket/request.js"
export { Reply } from "./socket/reply.js"
export { Dealer } from "./socket/dealer.js"
export { Router } from "./socket/router.js"
export { curveKeyPair, type CurveKeyPair } from "./security/keys.js"
export { z85Encode, z85Decode } from "./security/z85.js"

/** What the browser build supports. */
export const capability = { ipc: false, pgm: false, tipc: false, norm: false, curve: true, gssapi: false, draft: false, ws: true, wss: true } as const
