// bonjour-service instances shared by every advertise and browse of a process and
// reference-counted: the last release destroys them, closing their UDP sockets and the
// multicast-dns membership timers, so discovery never keeps a process alive on its own.
// One instance per IP family and interface ("stack"): IPv4 on 224.0.0.251 (all interfaces, or the
// one of the `interface` option), and IPv6 on ff02::fb once per interface that has an IPv6
// address, since an IPv6 multicast socket sends on one interface. A lease holds all of them:
// services are published on every stack, and browsers listen on every stack.
// It also works around two bonjour-service 1.4.x traits, see publish() and open().
import { debuglog } from "node:util"
import type { EventEmitter } from "node:events"
import { networkInterfaces } from "node:os"
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

export type Family = 4 | 6

/** multicast-dns options for one stack (bonjour-service passes them through). */
interface StackOptions { type?: "udp6"; ip?: string; interface?: string; bind?: string }

class Shared {
  refs = 0
  readonly bonjour: Bonjour
  readonly mdns: MulticastDns
  readonly published = new Set<BonjourService>()
  /** SRV TTLs (seconds) chosen by advertisers, by fqdn (lower case). */
  readonly srvTtl = new Map<string, number>()

  constructor(readonly family: Family, options: StackOptions) {
    // The default error callback throws from a UDP callback; a lost reply is not worth a crash.
    // The options go to multicast-dns, though bonjour-service types them as ServiceConfig.
    const opts = options as unknown as Partial<Bonjour.ServiceConfig>
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

/** What a browser needs of one stack. */
export interface BrowseStack {
  readonly family: Family
  readonly mdns: MulticastDns
  find(): BonjourBrowser
}

/** One advertised service, published once per stack; the IPv4 one first. */
export type Published = readonly BonjourService[]

/** A user's hold on the shared stacks. Release exactly once. */
export class BonjourLease {
  private released = false

  constructor(private readonly stacks: ReadonlyArray<{ key: string; shared: Shared }>) {}

  browseStacks(): BrowseStack[] {
    return this.stacks.map(({ shared }) => ({
      family: shared.family, mdns: shared.mdns,
      find: () => shared.bonjour.find({ type: "zmtp", protocol: "tcp" }),
    }))
  }

  /** Publishes without probing: instance names carry a random id, so a conflict is not expected. */
  publish(name: string, port: number, txt: Record<string, string>, ttl?: number): Published {
    return this.stacks.map(({ shared }) => {
      if (ttl !== undefined) shared.srvTtl.set(`${name}._zmtp._tcp.local`.toLowerCase(), ttl)
      const service = shared.bonjour.publish({ name, type: "zmtp", protocol: "tcp", port, txt, probe: false })
      shared.published.add(service)
      return service
    })
  }

  /** Sends the goodbyes (TTL 0) for `published` and resolves once they have been sent. */
  unpublish(published: Published): Promise<void> {
    return Promise.all(published.map((service, i) => {
      const shared = this.stacks[i]!.shared
      shared.published.delete(service)
      shared.srvTtl.delete(service.fqdn.toLowerCase())
      return new Promise<void>((resolve) => {
        service.stop(() => resolve())
        // Server.unregister() matches records by name only, so withdrawing one service also drops
        // the shared PTR and A records of every other one; put theirs back so queries still answer.
        const server = shared.server()
        for (const other of shared.published) server.register(other.records())
      })
    })).then(() => undefined)
  }

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    await Promise.all(this.stacks.map(({ key, shared }) => releaseStack(key, shared)))
  }
}

async function releaseStack(key: string, shared: Shared): Promise<void> {
  if (--shared.refs > 0) return
  if (instances.get(key) === shared) instances.delete(key)
  await new Promise<void>((resolve) => shared.bonjour.destroy(() => resolve()))
  stats.destroyed++
}

/**
 * Names of the interfaces to run mDNS over IPv6 on: every non-internal one with an IPv6 address,
 * or, with the `interface` option (an IPv4 address by then), the one that has that address.
 */
function ipv6Interfaces(iface: string | undefined): string[] {
  return Object.entries(networkInterfaces())
    .filter(([, addrs]) => (addrs ?? []).some((a) => a.family === "IPv6" && !a.internal))
    .filter(([, addrs]) => iface === undefined || (addrs ?? []).some((a) => a.address === iface))
    .map(([name]) => name)
}

function stackOptions(iface: string | undefined): Array<{ key: string; family: Family; options: StackOptions }> {
  const v4 = { key: `4:${iface ?? ""}`, family: 4 as const, options: iface === undefined ? {} : { interface: iface } }
  const v6 = ipv6Interfaces(iface).map((name) => ({
    key: `6:${name}`, family: 6 as const, options: { type: "udp6" as const, ip: "ff02::fb", interface: `::%${name}`, bind: "::" },
  }))
  return [v4, ...v6]
}

export function acquireBonjour(iface: string | undefined): BonjourLease {
  const stacks = stackOptions(iface).map(({ key, family, options }) => {
    let shared = instances.get(key)
    if (shared === undefined) {
      shared = new Shared(family, options)
      instances.set(key, shared)
      stats.created++
    }
    shared.refs++
    return { key, shared }
  })
  return new BonjourLease(stacks)
}

/** For tests and diagnostics: instances created/destroyed so far and how many are live now. */
export function bonjourStats(): { created: number; destroyed: number; live: number } {
  return { ...stats, live: instances.size }
}
