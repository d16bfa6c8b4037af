// Browses "_zmtp._tcp" services over mDNS (IPv4 and IPv6 multicast, one bonjour Browser per
// stack) and feeds the ones advertising our name into a PeerSet.
// Goodbyes (TTL 0) remove a peer at once. Peers that vanish without a goodbye (crash, cable) are
// expired when their SRV record's TTL runs out: bonjour-service tracks only the 8-hour PTR TTL
// and never refreshes it, so liveness is kept here from the raw responses to our periodic query.
import { hostname } from "node:os"
import { acquireBonjour, type BonjourBrowser, type BonjourLease, type BonjourService, type Family, type MulticastDns } from "./bonjour-pool.js"
import { PeerSet } from "./peer-set.js"
import { byLink } from "./on-link.js"
import { concreteEndpoints, stringRecord, txtEndpoints, type WildcardHosts } from "./txt.js"
import type { DiscoveryTarget } from "./target.js"

// bonjour-service's SRV TTL (RFC 6762 section 10 recommends 120 s for host-bound records).
const DEFAULT_SRV_TTL_MS = 120_000

interface RawRecord { readonly name: string; readonly type: string; readonly ttl?: number }
interface RawPacket { readonly answers?: readonly RawRecord[]; readonly additionals?: readonly RawRecord[] }

export interface MdnsBrowseSettings {
  readonly iface?: string
  readonly refreshInterval: number
}

export class MdnsBrowse {
  private readonly peers: PeerSet
  private readonly lease: BonjourLease
  private readonly browsers: Array<{ readonly family: Family; readonly browser: BonjourBrowser; readonly mdns: MulticastDns }> = []
  /**
   * The family whose announcements give a peer's address, by fqdn: the first one it was seen on,
   * so a dual-stack peer heard on both stacks is not reconnected from one address to the other.
   */
  private readonly family = new Map<string, Family>()
  private readonly expiresAt = new Map<string, number>() // fqdn (lower case) -> ms
  private readonly expired = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private stopping: Promise<void> | undefined

  constructor(target: DiscoveryTarget, private readonly name: string, private readonly settings: MdnsBrowseSettings) {
    this.peers = new PeerSet(target, name, "mdns")
    this.lease = acquireBonjour(settings.iface)
    for (const stack of this.lease.browseStacks()) {
      // find() registers the Browser's own 'response' listener first, so by the time onResponse
      // runs for a packet, browser.services already reflects it.
      const browser = stack.find()
      const seen = (service: BonjourService) => this.seen(service, stack.family)
      browser.on("up", seen)
      browser.on("srv-update", seen)
      browser.on("txt-update", seen)
      browser.on("down", this.goodbye)
      stack.mdns.on("response", this.onResponse)
      this.browsers.push({ family: stack.family, browser, mdns: stack.mdns })
    }
    this.schedule()
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.timer)
    for (const { browser, mdns } of this.browsers) {
      browser.stop()
      browser.removeAllListeners()
      mdns.off("response", this.onResponse)
    }
    this.peers.clear("stopped")
    await this.lease.release()
  }

  private seen(service: BonjourService, family: Family): void {
    const txt = stringRecord(service.txt)
    if (txt.name !== this.name || this.stopping !== undefined) return
    const key = service.fqdn.toLowerCase()
    if ((this.family.get(key) ?? family) !== family) return // its address comes from the other stack
    const hosts = wildcardHosts(service, family)
    if (hosts.any === undefined && !this.family.has(key)) return // no address here: wait for the other stack
    this.family.set(key, family)
    this.expired.delete(key)
    // Provisional: onResponse runs next for the same packet and sets the SRV record's real TTL.
    if (!this.expiresAt.has(key)) this.expiresAt.set(key, Date.now() + DEFAULT_SRV_TTL_MS)
    const sameHost = txt.host === hostname()
    this.peers.upsert({
      key, instance: txt.id ?? key, endpoints: concreteEndpoints(txtEndpoints(txt), hosts, sameHost),
      metadata: txt, ...(txt.type === undefined ? {} : { socketType: txt.type }),
    })
  }

  private readonly goodbye = (service: BonjourService): void => {
    const key = service.fqdn.toLowerCase()
    this.family.delete(key)
    this.expiresAt.delete(key)
    this.expired.delete(key)
    this.peers.remove(key, "goodbye")
  }

  /** Any SRV answer with a live TTL proves the instance is still there. */
  private readonly onResponse = (packet: RawPacket): void => {
    for (const rr of [...(packet.answers ?? []), ...(packet.additionals ?? [])]) {
      if (rr.type !== "SRV" || !(rr.ttl !== undefined && rr.ttl > 0)) continue
      const key = rr.name.toLowerCase()
      if (this.expiresAt.has(key)) this.expiresAt.set(key, Date.now() + rr.ttl * 1000)
      else if (this.expired.has(key)) this.revive(key)
    }
  }

  /** The Browser still lists an expired service and will not report it 'up' again: re-add it. */
  private revive(key: string): void {
    for (const { family, browser } of this.browsers) {
      const service = browser.services.find((s) => s.fqdn.toLowerCase() === key)
      if (service !== undefined) return this.seen(service, family)
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.sweep()
      for (const { browser } of this.browsers) browser.update() // re-query: live responders answer and refresh expiresAt
      this.schedule()
    }, this.settings.refreshInterval)
    this.timer.unref()
  }

  private sweep(): void {
    const now = Date.now()
    for (const [key, at] of this.expiresAt) {
      if (at > now) continue
      this.expiresAt.delete(key)
      this.expired.add(key)
      this.family.delete(key)
      this.peers.remove(key, "expired")
    }
  }
}

/**
 * The addresses that fill in a peer's wildcard endpoints, from one announcement heard on the
 * `family` stack: `v4` for "tcp://*:port" (an IPv4-only listener), `any` for "tcp://[::]:port"
 * (a dual-stack one; the stack it was heard on is preferred).
 */
function wildcardHosts(service: BonjourService, family: Family): WildcardHosts {
  const v4 = pickHost4(service)
  const v6 = pickHost6(service)
  return { v4, any: family === 4 ? v4 ?? v6 : v6 ?? v4 }
}

/**
 * IPv4: the source of the announcement first (it demonstrably routes back to the peer, also in
 * containers), then an A record on one of our subnets, then any A record.
 */
function pickHost4(service: BonjourService): string | undefined {
  if (service.referer?.family === "IPv4") return service.referer.address
  const { onLink, offLink } = byLink((service.addresses ?? []).filter((a) => !a.includes(":")))
  return onLink[0] ?? offLink[0]
}

/**
 * IPv6: a routable AAAA record on one of our subnets first, then the announcement's source
 * (routes back; a link-local one carries its zone, "fe80::1%eth0"), then any AAAA record. A
 * multi-homed peer announces the addresses of every interface, most of them on other LANs.
 */
function pickHost6(service: BonjourService): string | undefined {
  const v6 = (service.addresses ?? []).filter((a) => a.includes(":"))
  const { onLink, offLink } = byLink(v6.filter((a) => !/^fe80:/i.test(a)))
  if (onLink[0] !== undefined) return onLink[0]
  if (service.referer?.family === "IPv6") return service.referer.address
  return offLink[0] ?? v6[0]
}
