// Entry point "brokerless/v5-compat": the zeromq 5.x callback API (the `zmq` package era, and
// zeromq.js's "zeromq/v5-compat"), built on the v6 socket classes.
export * from "./compat/v5/constants.js"
export { options, type OptionName } from "./compat/v5/options.js"
export { Socket, createSocket, createSocket as socket, type MessagePart, type SocketOptions } from "./compat/v5/socket.js"
export type { Callback } from "./compat/v5/outbox.js"
export { proxy } from "./compat/v5/proxy.js"
export { Context } from "./compat/v5/context.js"
export { version, curveKeypair } from "./compat/v5/about.js"
export { namespace as default } from "./compat/v5/namespace.js"
