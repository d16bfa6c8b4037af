// Glue between a socket and the discovery extension: the advertisements and browses one socket
// owns, keyed by name, and the routing of mdns:// connects and of advertise() with the socket's
// `discovery` option. The socket core only calls this; lib/discovery never sees a socket class.
import {
  advertise, browse, type Advertisement, type AdvertiseOptions, type Browse, type DiscoveryConfig,
  type DiscoveryEvent, type DiscoveryTarget,
} from "../discovery/index.js"
import { zmqError, type ZmqError } from "../errors.js"
import type { SocketEvent } from "../events.js"
import { parseEndpoint } from "../transport/endpoint.js"
import type { SocketType } from "../zmtp/compat.js"
import type { SocketEndpoints } from "../session/endpoints.js"
import type { OptionValues } from "./options.js"

/** What the glue needs from its socket (SocketBase, as the public API sees it). */
export interface DiscoverySocket {
  readonly type: SocketType
  readonly closed: boolean
  boundEndpoints(): readonly string[]
  emit(event: SocketEvent): void
}

export class SocketDiscovery {
  private readonly advertisements = new Map<string, Advertisement>()
  private readonly browses = new Map<string, Browse>()
  private readonly target: DiscoveryTarget

  /**
   * @param endpoints found peers are dialled through the endpoints' own door (never throws,
   *   never touches the user's connects)
   * @param options the socket's options: `discovery`, and the extensions advertised as TXT
   *   "x-<key>" (codec, reliable)
   */
  constructor(socket: DiscoverySocket, endpoints: SocketEndpoints, private readonly options: OptionValues) {
    this.target = {
      type: socket.type,
      get closed() { return socket.closed },
      boundEndpoints: () => socket.boundEndpoints(),
      extensions: () => ({
        ...(options.codec !== null ? { codec: String(options.codec) } : {}),
        ...(options.reliable ? { reliable: "1" } : {}),
      }),
      connect: (endpoint) => endpoints.connectFound(endpoint),
      disconnect: (endpoint) => endpoints.disconnectFound(endpoint),
      // Found/lost/ignored peers become socket events, the peer in `detail`.
      emitDiscovery: ({ type, error, ...detail }: DiscoveryEvent) =>
        socket.emit({ type, detail, ...(error ? { error: error as ZmqError } : {}) }),
    }
  }

  /** advertise(): the socket's `discovery` option applies unless `options` has its own. */
  advertise(name: string, options: AdvertiseOptions): void {
    if (this.advertisements.has(name)) throw zmqError("EADDRINUSE", `Already advertising ${name}`)
    const discovery = this.discoveryConfig()
    this.advertisements.set(name, advertise(this.target, name, { ...(discovery ? { discovery } : {}), ...options }))
  }

  async unadvertise(name: string): Promise<void> {
    const advertisement = this.advertisements.get(name)
    if (!advertisement) throw zmqError("ENOENT", `Not advertising ${name}`)
    this.advertisements.delete(name)
    await advertisement.stop()
  }

  /** connect("mdns://name"): browses for the name, with `discovery` or the socket's option. */
  browse(address: string, discovery: DiscoveryConfig | undefined, iface?: string): void {
    const { name } = parseEndpoint(address, false) as { name: string }
    if (this.browses.has(name)) throw zmqError("EADDRINUSE", `Already connected to mdns://${name}`)
    const config = discovery ?? this.discoveryConfig()
    this.browses.set(name, browse(this.target, name, { ...(config ? { discovery: config } : {}), ...(iface === undefined ? {} : { interface: iface }) }))
  }

  /** disconnect("mdns://name"). */
  unbrowse(address: string): void {
    const name = address.slice("mdns://".length)
    const found = this.browses.get(name)
    if (!found) throw zmqError("ENOENT", `Not connected to mdns://${name}`, { address: `mdns://${name}` })
    this.browses.delete(name)
    void found.stop()
  }

  private discoveryConfig(): DiscoveryConfig | null {
    return this.options.discovery
  }

  /** Bound endpoints changed: every advertisement re-announces. */
  refresh(): void {
    for (const advertisement of this.advertisements.values()) advertisement.refresh()
  }

  /** Withdraws everything (goodbye packets) and stops browsing; resolves when sent. */
  stop(): Promise<void> {
    const stops = [...this.advertisements.values(), ...this.browses.values()].map((entry) => entry.stop())
    this.advertisements.clear()
    this.browses.clear()
    return Promise.all(stops).then(() => undefined)
  }
}
