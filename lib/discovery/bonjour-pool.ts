// One bonjour-service instance per process (per multicast interface), shared by every advertise
// and browse and reference-counted: the last release destroys it, closing its UDP socket and the
// multicast-dns membership timer, so discovery never keeps a process alive on its own.
// It also works around two bonjour-service 1.4.x traits, see publish() and open().
import { debuglog } from "node:util"
import type { EventEmitter } from "node:events"
import Bonjour from "bonjour-service"

const debug = debuglog("brokerless")

export type BonjourService = Bonjour.Service
export type BonjourBrowser = Bonjour.Browser

/** The multicast-dns object inside bonjour-service: we need its raw 'response' events. */
export type MulticastDns = EventEmitter

interface ServerInternals {
  mdns: MulticastDns
  register(records: ReturnType<BonjourService["records"]>): void
}

class Shared {
  refs = 0
  readonly bonjour: Bonjour
  readonly mdns: MulticastDns
  readonly published = new Set<BonjourService>()
  /** SRV TTLs (seconds) chosen by advertisers, by fqdn (lower case). */
  readonly srvTtl = new Map<string, number>()

  constructor(iface: string | undefined) {
    // The default error callback throws from a UDP callback; a lost reply is not worth a crash.
    // The options go to multicast-dns ({ interface }), though bonjour-service types them as ServiceConfig.
    const opts = (iface === undefined ? {} : { interface: iface }) as unknown as Partial<Bonjour.ServiceConfig>
    this.bonjour = new Bonjour(opts, (err: unknown) => debug("discovery: mdns %o", err))
    this.mdns = this.server().mdns
    // multicast-dns emits 'error' (bind EACCES/EADDRINUSE) with no listener: that would throw.
    this.mdns.on("error", (err: unknown) => debug("discovery: mdns socket error %o", err))
    this.mdns.on("warning", (err: unknown) => debug("discovery: mdns warning %o", err))
    this.overrideSrvTtl()
  }

  /**
   * bonjour-service hard-codes 120 s for SRV records. Its announce() registers the very record
   * objects it then sends and answers queries with, so setting the TTL at registration covers
   * the first announcement, the re-announcements and every answer.
   */
  private overrideSrvTtl(): void {
    const server = this.server()
    const register = server.register.bind(server)
    server.register = (records) => {
      for (const record of records as Array<{ type: string; name: string; ttl?: number }>) {
        const ttl = record.type === "SRV" ? this.srvTtl.get(record.name.toLowerCase()) : undefined
        if (ttl !== undefined) record.ttl = ttl
      }
      register(records)
    }
  }

  server(): ServerInternals {
    // bonjour-service keeps its Server private; TS allows the bracket access, the shape is checked here.
    return (this.bonjour as unknown as { server: ServerInternals }).server
  }
}

const instances = new Map<string, Shared>()
const stats = { created: 0, destroyed: 0 }

/** A user's hold on the shared instance. Release exactly once. */
export class BonjourLease {
  private released = false

  constructor(private readonly shared: Shared, private readonly key: string) {}

  get mdns(): MulticastDns {
    return this.shared.mdns
  }

  find(): BonjourBrowser {
    return this.shared.bonjour.find({ type: "zmtp", protocol: "tcp" })
  }

  /** Publishes without probing: instance names carry a random id, so a conflict is not expected. */
  publish(name: string, port: number, txt: Record<string, string>, ttl?: number): BonjourService {
    if (ttl !== undefined) this.shared.srvTtl.set(`${name}._zmtp._tcp.local`.toLowerCase(), ttl)
    const service = this.shared.bonjour.publish({ name, type: "zmtp", protocol: "tcp", port, txt, probe: false })
    this.shared.published.add(service)
    return service
  }

  /** Sends the goodbye (TTL 0) for `service` and resolves once it has been sent. */
  unpublish(service: BonjourService): Promise<void> {
    this.shared.published.delete(service)
    this.shared.srvTtl.delete(service.fqdn.toLowerCase())
    return new Promise((resolve) => {
      service.stop(() => resolve())
      // Server.unregister() matches records by name only, so withdrawing one service also drops
      // the shared PTR and A records of every other one; put theirs back so queries still answer.
      const server = this.shared.server()
      for (const other of this.shared.published) server.register(other.records())
    })
  }

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    const shared = this.shared
    if (--shared.refs > 0) return
    if (instances.get(this.key) === shared) instances.delete(this.key)
    await new Promise<void>((resolve) => shared.bonjour.destroy(() => resolve()))
    stats.destroyed++
  }
}

export function acquireBonjour(iface: string | undefined): BonjourLease {
  const key = iface ?? ""
  let shared = instances.get(key)
  if (shared === undefined) {
    shared = new Shared(iface)
    instances.set(key, shared)
    stats.created++
  }
  shared.refs++
  return new BonjourLease(shared, key)
}

/** For tests and diagnostics: instances created/destroyed so far and how many are live now. */
export function bonjourStats(): { created: number; destroyed: number; live: number } {
  return { ...stats, live: instances.size }
}
