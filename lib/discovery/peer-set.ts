// The live set of discovered peers of one browse, turned into connect/disconnect calls and events.
// Every resolver (mDNS, seeds, DNS) feeds it records; it owns the compatibility check and the
// endpoint reference counts, so an endpoint shared by two records (e.g. an mDNS service
// re-published under a new instance name before the old one says goodbye) never flaps.
import { isCompatible } from "../zmtp/compat.js"
import type { DiscoveryEvent, DiscoverySource, DiscoveryTarget } from "./target.js"

/** One resolved record: an mDNS service (key = fqdn), a DNS SRV target or a seed endpoint. */
export interface PeerRecord {
  readonly key: string
  readonly instance: string
  readonly socketType?: string
  readonly endpoints: readonly string[]
  readonly metadata?: Readonly<Record<string, string>>
}

export class PeerSet {
  private readonly records = new Map<string, PeerRecord>()
  private readonly ignored = new Map<string, string>() // key -> why, to report each state once
  private readonly refs = new Map<string, number>() // endpoint -> records using it

  constructor(
    private readonly target: DiscoveryTarget,
    private readonly name: string,
    private readonly source: DiscoverySource,
  ) {}

  has(key: string): boolean {
    return this.records.has(key)
  }

  keys(): string[] {
    return [...this.records.keys()]
  }

  upsert(record: PeerRecord): void {
    const why = this.rejection(record)
    if (why !== undefined) {
      const before = this.ignored.get(record.key)
      this.remove(record.key, "removed")
      this.ignored.set(record.key, why)
      if (before !== why) this.emit("discovery:ignored", record, record.endpoints, why)
      return
    }
    this.ignored.delete(record.key)
    const old = this.records.get(record.key)
    const before = this.endpointsOf(record.instance)
    this.records.set(record.key, record)
    // Connect the new endpoints before releasing the old ones, so shared ones are never dropped.
    for (const ep of record.endpoints) this.acquire(ep)
    if (old !== undefined) for (const ep of old.endpoints) this.release(ep)
    if (old !== undefined && old.instance !== record.instance) this.report(old, this.endpointsOf(old.instance, old.key), "changed")
    this.report(record, before, old === undefined && before.length === 0 ? "new" : "changed")
  }

  remove(key: string, reason: string): void {
    this.ignored.delete(key)
    const old = this.records.get(key)
    if (old === undefined) return
    const before = this.endpointsOf(old.instance)
    this.records.delete(key)
    for (const ep of old.endpoints) this.release(ep)
    this.report(old, before, reason)
  }

  /** Diffs a full snapshot (seeds, DNS) against the current set. */
  replaceAll(records: readonly PeerRecord[], reason: string): void {
    const next = new Set(records.map((r) => r.key))
    for (const r of records) {
      const cur = this.records.get(r.key)
      if (cur === undefined || !sameRecord(cur, r)) this.upsert(r)
    }
    for (const key of [...this.records.keys(), ...this.ignored.keys()]) if (!next.has(key)) this.remove(key, reason)
  }

  clear(reason: string): void {
    for (const key of [...this.records.keys()]) this.remove(key, reason)
    this.ignored.clear()
  }

  emitError(error: Error): void {
    if (!this.target.closed) this.target.emitDiscovery({ type: "discovery:error", name: this.name, source: this.source, endpoints: [], error })
  }

  private rejection(record: PeerRecord): string | undefined {
    const t = record.socketType
    if (t !== undefined && !isCompatible(this.target.type, t)) return `incompatible socket type ${t} for ${this.target.type}`
    if (record.endpoints.length === 0) return "no endpoint reachable from this host"
    return undefined
  }

  /** Union of the endpoints of every record of `instance`, optionally as if `except` were gone. */
  private endpointsOf(instance: string, except?: string): string[] {
    const set = new Set<string>()
    for (const r of this.records.values()) {
      if (r.instance === instance && r.key !== except) for (const ep of r.endpoints) set.add(ep)
    }
    return [...set].sort()
  }

  private report(record: PeerRecord, before: readonly string[], reason: string): void {
    const after = this.endpointsOf(record.instance)
    if (after.length === 0 && before.length > 0) this.emit("discovery:down", record, before, reason)
    else if (after.length > 0 && after.join("\n") !== before.join("\n")) this.emit("discovery:up", record, after, reason === "new" ? "new" : "changed")
  }

  private acquire(endpoint: string): void {
    const n = this.refs.get(endpoint) ?? 0
    this.refs.set(endpoint, n + 1)
    if (n === 0 && !this.target.closed) this.target.connect(endpoint)
  }

  private release(endpoint: string): void {
    const n = this.refs.get(endpoint) ?? 0
    if (n > 1) { this.refs.set(endpoint, n - 1); return }
    this.refs.delete(endpoint)
    if (n === 1 && !this.target.closed) this.target.disconnect(endpoint)
  }

  private emit(type: DiscoveryEvent["type"], r: PeerRecord, endpoints: readonly string[], reason: string): void {
    if (this.target.closed) return
    const event: DiscoveryEvent = {
      type, name: this.name, source: this.source, instance: r.instance, endpoints, reason,
      ...(r.socketType === undefined ? {} : { socketType: r.socketType }),
      ...(r.metadata === undefined ? {} : { metadata: r.metadata }),
    }
    this.target.emitDiscovery(event)
  }
}

function sameRecord(a: PeerRecord, b: PeerRecord): boolean {
  return a.instance === b.instance && a.socketType === b.socketType
    && a.endpoints.join("\n") === b.endpoints.join("\n")
    && JSON.stringify(a.metadata ?? {}) === JSON.stringify(b.metadata ?? {})
}
