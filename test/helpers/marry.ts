// Connects two sockets and resolves once both sides completed the handshake (nng nuts_marry):
// no sleeps. Works with brokerless and zeromq.js sockets on either side.
import { nextEvent, type EventSource } from "./events.js"
import type { Transport } from "./address.js"
import { uniqAddress } from "./address.js"

interface Bindable extends EventSource {
  bind(address: string): Promise<void>
  readonly lastEndpoint: string | null
}
interface Connectable extends EventSource {
  connect(address: string, options?: never): void
}

/** Binds `binder` on a fresh address, connects `connector`, awaits both handshakes; returns the endpoint. */
export async function marry(binder: Bindable, connector: Connectable, transport: Transport, ms = 5000): Promise<string> {
  await binder.bind(uniqAddress(transport))
  const endpoint = binder.lastEndpoint!
  await connectTo(binder, connector, endpoint, ms)
  return endpoint
}

/** Connects to an already bound socket and awaits both handshakes. */
export async function connectTo(binder: Connectable | Bindable, connector: Connectable, endpoint: string, ms = 5000, options?: object): Promise<void> {
  const both = Promise.all([nextEvent(binder, "handshake", ms), nextEvent(connector, "handshake", ms)])
  // zeromq.js sockets take no options here; brokerless ones take ConnectOptions.
  ;(connector.connect as (address: string, options?: object) => void).call(connector, endpoint, options)
  await both
}
