// Public entry point: only what users import. Internal modules are imported by path in tests.
export { ZmqError } from "./errors.js"
export type { ErrorCode, ProtocolErrorCode, AnyErrorCode } from "./errors.js"
export type { SocketEvent, EventType, EventOfType, SocketEvents, PeerIdentity } from "./events.js"
export type { MessageLike, MessageInput } from "./message.js"
export type { SocketOptions } from "./socket/options.js"
export type { ConnectOptions } from "./socket/socket-base.js"
export type { SocketStats, PeerStats } from "./socket/stats.js"
export type { MessageMetadata } from "./socket/message-metadata.js"
export { CHANNELS as diagnosticsChannels, enableMetrics, type ConnectionMessage, type DropMessage, type MeterProviderLike } from "./telemetry/index.js"
export type { AdvertiseOptions, DiscoveryConfig, DiscoveryEvent } from "./discovery/index.js"
export { Push, type PushOptions } from "./socket/push.js"
export { Pull, type PullOptions } from "./socket/pull.js"
export { Pair } from "./socket/pair.js"
export { Publisher } from "./socket/publisher.js"
export { Subscriber, type SubscriberOptions } from "./socket/subscriber.js"
export { XPublisher, type PublisherOptions, type XPublisherOptions } from "./socket/xpublisher.js"
export { XSubscriber } from "./socket/xsubscriber.js"
export { proxy, type ProxySide } from "./socket/proxy.js"
export { Request, type RequestOptions } from "./socket/request.js"
export { Reply, type ReplyOptions } from "./socket/reply.js"
export { Dealer, type DealerOptions } from "./socket/dealer.js"
export { Router, type RouterOptions } from "./socket/router.js"
export { Stream, type StreamOptions, type StreamConnectOptions } from "./socket/stream.js"
export type { ReliableOptions, ReliableStats } from "./reliable/reliable.js"
export type { LazyPirateOptions } from "./reliable/lazy-pirate.js"
export { Radio, type RadioSendOptions } from "./socket/radio.js"
export { Dish, type DishMessage } from "./socket/dish.js"
export { curveKeyPair, type CurveKeyPair } from "./security/keys.js"
export { z85Encode, z85Decode } from "./security/z85.js"

/**
 * What this package supports, under zeromq.js's names: `draft` sockets are in
 * "brokerless/draft", `curve` is pure JavaScript; pgm, tipc, norm and gssapi do not exist here.
 */
export const capability = { ipc: true, pgm: false, tipc: false, norm: false, curve: true, gssapi: false, draft: true, ws: true, wss: true } as const
export { Context, context, type ContextOptions } from "./socket/context.js"
export { Socket, type SocketConstructorOptions } from "./socket/socket-class.js"
