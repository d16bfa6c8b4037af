// Browses "_zmtp._tcp" services over mDNS and feeds the ones advertising our name into a PeerSet.
// Goodbyes (TTL 0) remove a peer at once. Peers that vanish without a goodbye (crash, cable) are
// expired when their SRV record's TTL runs out: bonjour-service tracks only the 8-hour PTR TTL
// and never refreshes it, so liveness is kept here from the raw responses to our periodic query.
import { hostname } from "node:os"
import { acquireBonjour, type BonjourBrowser, type BonjourLease, type BonjourService } from "./bonjour-pool.js"
import { PeerSet } from "./peer-set.js"
import { concreteEndpoints, stringRecord, txtEndpoints } from "./txt.js"
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
  private readonly browser: BonjourBrowser
  private readonly expiresAt = new Map<string, number>() // fqdn (lower case) -> ms
  private readonly expired = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private stopping: Promise<void> | undefined

  constructor(target: DiscoveryTarget, private readonly name: string, private readonly settings: MdnsBrowseSettings) {
    this.peers = new PeerSet(target, name, "mdns")
    this.lease = acquireBonjour(settings.iface)
    // find() registers the Browser's own 'response' listener first, so by the time onResponse
    // runs for a packet, browser.services already reflects it.
    this.browser = this.lease.find()
    this.browser.on("up", this.seen)
    this.browser.on("srv-update", this.seen)
    this.browser.on("txt-update", this.seen)
    this.browser.on("down", this.goodbye)
    this.lease.mdns.on("response", this.onResponse)
    this.schedule()
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.timer)
    this.browser.stop()
    this.browser.removeAllListeners()
    this.lease.mdns.off("response", this.onResponse)
    this.peers.clear("stopped")
    await this.lease.release()
  }

  private readonly seen = (service: BonjourService): void => {
    const txt = stringRecord(service.txt)
    if (txt.name !== this.name || this.stopping !== undefined) return
    const key = service.fqdn.toLowerCase()
    this.expired.delete(key)
    // Provisional: onResponse runs next for the same packet and sets the SRV record's real TTL.
    if (!this.expiresAt.has(key)) this.expiresAt.set(key, Date.now() + DEFAULT_SRV_TTL_MS)
    const sameHost = txt.host === hostname()
    this.peers.upsert({
      key, instance: txt.id ?? key, endpoints: concreteEndpoints(txtEndpoints(txt), pickHost(service), sameHost),
      metadata: txt, ...(txt.type === undefined ? {} : { socketType: txt.type }),
    })
  }

  private readonly goodbye = (service: BonjourService): void => {
    const key = service.fqdn.toLowerCase()
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
    const service = this.browser.services.find((s) => s.fqdn.toLowerCase() === key)
    if (service !== undefined) this.seen(service)
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.sweep()
      this.browser.update() // re-query: live responders answer and refresh expiresAt
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
      this.peers.remove(key, "expired")
    }
  }
}

/**
 * The address for a "tcp://*:port" endpoint: the source of the announcement first (it demonstrably
 * routes back to the peer, also in containers), then the service's A records, then AAAA.
 */
function pickHost(service: BonjourService): string | undefined {
  if (service.referer?.family === "IPv4") return service.referer.address
  const addrs = service.addresses ?? []
  return addrs.find((a) => !a.includes(":")) ?? addrs[0]
}
