// Entry point "brokerless/v5-compat": the zeromq 5.x callback API (the `zmq` package era, and
// zeromq.js's "zeromq/v5-compat"), built on the v6 socket classes.
import { curveKeyPair } from "./index.js"

export * from "./compat/v5/constants.js"
export { options, type OptionName } from "./compat/v5/options.js"
export { Socket, createSocket, createSocket as socket, type MessagePart, type SocketOptions } from "./compat/v5/socket.js"
export type { Callback } from "./compat/v5/outbox.js"
export { proxy } from "./compat/v5/proxy.js"
export { Context } from "./compat/v5/context.js"

/** The libzmq version whose wire protocol (ZMTP 3.1) and behaviour this package follows. */
export const version = "4.3.5"

/** A new CURVE key pair as Z85 text, named as in the 5.x API. */
export function curveKeypair(): { public: string; secret: string } {
  const { publicKey, secretKey } = curveKeyPair()
  return { public: publicKey, secret: secretKey }
}
