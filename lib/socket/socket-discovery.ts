// Glue between a socket and the discovery extension: the advertisements and browses one socket
// owns, keyed by name. The socket core only calls this; lib/discovery never sees a socket class.
import { advertise, browse, type Advertisement, type AdvertiseOptions, type Browse, type BrowseOptions, type DiscoveryTarget } from "../discovery/index.js"
import { zmqError } from "../errors.js"

export class SocketDiscovery {
  private readonly advertisements = new Map<string, Advertisement>()
  private readonly browses = new Map<string, Browse>()

  constructor(private readonly target: DiscoveryTarget) {}

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
