// Glue between a socket and the discovery extension: the advertisements and browses one socket
// owns, keyed by name. The socket core only calls this; lib/discovery never sees a socket class.
import { advertise, browse, type Advertisement, type AdvertiseOptions, type Browse, type BrowseOptions, type DiscoveryEvent, type DiscoveryTarget } from "../discovery/index.js"
import { zmqError, type ZmqError } from "../errors.js"
import type { SocketEvent } from "../events.js"
import type { SocketType } from "../zmtp/compat.js"
import type { SocketEndpoints } from "../session/endpoints.js"

/** What the glue needs from its socket. */
export interface DiscoverySocket {
  readonly type: SocketType
  closed(): boolean
  boundEndpoints(): readonly string[]
  /** Enabled extensions, advertised as TXT "x-<key>". */
  extensions(): Record<string, string>
  /** Found peers are dialled through the endpoints' own door (never throws, never touches the user's). */
  readonly endpoints: SocketEndpoints
  emit(event: SocketEvent): void
}

export class SocketDiscovery {
  private readonly advertisements = new Map<string, Advertisement>()
  private readonly browses = new Map<string, Browse>()
  private readonly target: DiscoveryTarget

  constructor(socket: DiscoverySocket) {
    this.target = {
      type: socket.type,
      get closed() { return socket.closed() },
      boundEndpoints: () => socket.boundEndpoints(),
      extensions: () => socket.extensions(),
      connect: (endpoint) => socket.endpoints.connectFound(endpoint),
      disconnect: (endpoint) => socket.endpoints.disconnectFound(endpoint),
      // Found/lost/ignored peers become socket events, the peer in `detail`.
      emitDiscovery: ({ type, error, ...detail }: DiscoveryEvent) =>
        socket.emit({ type, detail, ...(error ? { error: error as ZmqError } : {}) }),
    }
  }

  advertise(name: string, options: AdvertiseOptions): void {
    if (this.advertisements.has(name)) throw zmqError("EADDRINUSE", `Already advertising ${name}`)
    this.advertisements.set(name, advertise(this.target, name, options))
  }

  async unadvertise(name: string): Promise<void> {
    const advertisement = this.advertisements.get(name)
    if (!advertisement) throw zmqError("ENOENT", `Not advertising ${name}`)
    this.advertisements.delete(name)
    await advertisement.stop()
  }

  browse(name: string, options: BrowseOptions): void {
    if (this.browses.has(name)) throw zmqError("EADDRINUSE", `Already connected to mdns://${name}`)
    this.browses.set(name, browse(this.target, name, options))
  }

  unbrowse(name: string): void {
    const found = this.browses.get(name)
    if (!found) throw zmqError("ENOENT", `Not connected to mdns://${name}`, { address: `mdns://${name}` })
    this.browses.delete(name)
    void found.stop()
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
