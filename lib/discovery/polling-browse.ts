// Discovery without multicast: a name resolved from a static seed list or from unicast DNS SRV
// records, re-resolved every refreshInterval and diffed against the current peer set, so the
// socket sees the same connect/disconnect calls and events as with mDNS up/down.
import { Resolver } from "node:dns/promises"
import { isIP } from "node:net"
import { debuglog } from "node:util"
import { PeerSet, type PeerRecord } from "./peer-set.js"
import { isConnectable, type ResolvedConfig } from "./options.js"
import { joinTcp } from "./txt.js"
import type { DiscoveryTarget } from "./target.js"

const debug = debuglog("brokerless")
const DNS_TIMEOUT_MS = 2000
const NOT_FOUND = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN"])

type Resolve = (name: string) => Promise<PeerRecord[]>

export class PollingBrowse {
  private readonly peers: PeerSet
  private readonly resolve: Resolve
  private readonly resolver: Resolver | undefined
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(target: DiscoveryTarget, private readonly name: string, private readonly config: ResolvedConfig) {
    const source = config.mode === "dns" ? "dns" : "seeds"
    this.peers = new PeerSet(target, name, source)
    if (config.mode === "dns") {
      this.resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: 2 })
      if (config.dnsServers !== undefined) this.resolver.setServers([...config.dnsServers])
      this.resolve = dnsResolve(this.resolver, config.domain ?? "")
    } else {
      this.resolve = seedResolve(config)
    }
    void this.run()
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true
      clearTimeout(this.timer)
      this.resolver?.cancel()
      this.peers.clear("stopped")
    }
    return Promise.resolve()
  }

  private async run(): Promise<void> {
    try {
      const records = await this.resolve(this.name)
      if (!this.stopped) this.peers.replaceAll(records, "removed")
    } catch (err) {
      // Keep the current peers: a flaky resolver must not disconnect a working set.
      if (!this.stopped) this.peers.emitError(err instanceof Error ? err : new Error(String(err)))
    }
    if (this.stopped) return
    this.timer = setTimeout(() => void this.run(), this.config.refreshInterval)
    this.timer.unref()
  }
}

function seedResolve(config: ResolvedConfig): Resolve {
  return async (name) => {
    const seeds = config.seeds
    const list = typeof seeds === "function" ? await seeds(name) : (seeds?.[name] ?? [])
    const records: PeerRecord[] = []
    for (const ep of new Set(list)) {
      if (isConnectable(ep)) records.push({ key: ep, instance: ep, endpoints: [ep] })
      else debug("discovery: seed %s for %s is not a tcp:// or ipc:// endpoint, skipped", ep, name)
    }
    return records
  }
}

/** "<name>._zmtp._tcp.<domain>": SRV per endpoint (RFC 2782), TXT as in mDNS (type=, zmtp=, ...). */
export function srvName(name: string, domain: string): string {
  return `${name}._zmtp._tcp.${domain.replace(/\.$/, "")}`
}

function dnsResolve(resolver: Resolver, domain: string): Resolve {
  return async (name) => {
    const fqdn = srvName(name, domain)
    const srv = await orEmpty(resolver.resolveSrv(fqdn))
    if (srv.length === 0) return []
    const metadata = parseTxt(await orEmpty(resolver.resolveTxt(fqdn)))
    const socketType = metadata.type
    // A target of "." means "service decidedly not available at this domain" (RFC 2782).
    const targets = srv.filter((s) => s.name !== "" && s.name !== ".")
    return Promise.all(targets.map(async (s): Promise<PeerRecord> => {
      const host = await hostAddress(resolver, s.name)
      return {
        key: `${s.name}:${s.port}`, instance: `${s.name}:${s.port}`, metadata,
        endpoints: host === undefined ? [] : [joinTcp(host, s.port)],
        ...(socketType === undefined ? {} : { socketType }),
      }
    }))
  }
}

/** The lowest address, not the first: DNS round robin rotates the order and must not cause flapping. */
async function hostAddress(resolver: Resolver, host: string): Promise<string | undefined> {
  if (isIP(host) !== 0) return host
  const v4 = await orEmpty(resolver.resolve4(host))
  if (v4.length > 0) return [...v4].sort()[0]
  return [...(await orEmpty(resolver.resolve6(host)))].sort()[0]
}

/** Not-found answers mean "no peers"; any other failure (timeout, refused) propagates. */
async function orEmpty<T>(query: Promise<T[]>): Promise<T[]> {
  try {
    return await query
  } catch (err) {
    if (NOT_FOUND.has((err as { code?: string }).code ?? "")) return []
    throw err
  }
}

function parseTxt(records: readonly string[][]): Record<string, string> {
  const out: Record<string, string> = {}
  // DNS-SD style (RFC 6763 section 6): each character-string of a TXT record is one key=value.
  for (const entry of records.flat()) {
    const eq = entry.indexOf("=")
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return out
}
