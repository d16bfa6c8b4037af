// Option types of the discovery extension and their validation at the API edge (EINVAL), plus
// the BROKERLESS_DISCOVERY environment variable. Pure: no I/O besides reading the environment
// and the host's interface list.
import { networkInterfaces } from "node:os"
import { isIP } from "node:net"
import { zmqError } from "../errors.js"

/** Endpoints per name, or a function asked again on every refresh (e.g. reading a config file). */
export type SeedSource =
  | Readonly<Record<string, readonly string[]>>
  | ((name: string) => readonly string[] | Promise<readonly string[]>)

/**
 * How names are resolved. `mdns` (default): multicast DNS-SD on the local link. `seeds`: a static
 * list. `dns`: unicast SRV + TXT records at "<name>._zmtp._tcp.<domain>" (for networks without
 * multicast). Fields given here override BROKERLESS_DISCOVERY.
 */
export interface DiscoveryConfig {
  readonly mode?: "mdns" | "seeds" | "dns"
  readonly seeds?: SeedSource
  readonly domain?: string
  /** DNS servers for mode "dns", e.g. ["10.0.0.2", "127.0.0.1:5300"]; default: the system's. */
  readonly dnsServers?: readonly string[]
  /** Milliseconds between re-resolutions (seeds, dns) or re-queries (mdns). Default 30000. */
  readonly refreshInterval?: number
}

export interface BrowseOptions {
  readonly discovery?: DiscoveryConfig
  /** Network interface for multicast: a name ("eth0") or one of its IPv4 addresses. */
  readonly interface?: string
}

export interface AdvertiseOptions {
  readonly discovery?: DiscoveryConfig
  /** Network interface for multicast: a name ("eth0") or one of its IPv4 addresses. */
  readonly interface?: string
  /** Host or IP advertised instead of the bound one (NAT, containers); ports stay as bound. */
  readonly address?: string
  /** Extra TXT entries; keys must not collide with the reserved ones (see txt.ts). */
  readonly txt?: Readonly<Record<string, string>>
  /** Instance id to advertise instead of a random one, so a restarted process keeps its identity. */
  readonly id?: string
  /**
   * Seconds browsers keep this peer without hearing from it (the SRV record's TTL), default 120.
   * A shorter TTL drops a crashed peer sooner, at the cost of more re-query traffic.
   */
  readonly ttl?: number
}

export interface ResolvedConfig {
  readonly mode: "mdns" | "seeds" | "dns"
  readonly seeds?: SeedSource
  readonly domain?: string
  readonly dnsServers?: readonly string[]
  readonly refreshInterval: number
}

export const DEFAULT_REFRESH_INTERVAL = 30_000
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38}[A-Za-z0-9])?$/
const ID = /^[A-Za-z0-9_]{1,16}$/
const DOMAIN = /^(?=.{1,200}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\.?$/

function invalid(message: string): never {
  throw zmqError("EINVAL", `discovery: ${message}`)
}

/** Names become DNS labels ("<name>-<id>-<n>" must fit 63 bytes), hence the short, plain alphabet. */
export function validateName(name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    invalid(`name must be 1-40 characters of [A-Za-z0-9_-], not starting or ending with - or _: ${JSON.stringify(name)}`)
  }
  return name
}

/** Returns the name of an "mdns://name" endpoint, undefined for any other scheme. */
export function parseDiscoveryEndpoint(endpoint: string): string | undefined {
  if (!endpoint.startsWith("mdns://")) return undefined
  return validateName(endpoint.slice("mdns://".length))
}

/** A concrete endpoint discovery may connect to: tcp://host:port or ipc://path. */
export function isConnectable(endpoint: string): boolean {
  if (endpoint.startsWith("ipc://")) return endpoint.length > "ipc://".length
  const m = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[^:/[\]]+):(\d{1,5})$/.exec(endpoint)
  return m !== null && Number(m[2]) > 0 && Number(m[2]) < 65536
}

export function resolveConfig(config: DiscoveryConfig | undefined, env = process.env): ResolvedConfig {
  if (config !== undefined && (typeof config !== "object" || config === null)) invalid("discovery must be an object")
  const merged = { ...parseEnv(env.BROKERLESS_DISCOVERY), ...stripUndefined(config ?? {}) }
  const mode = merged.mode ?? "mdns"
  if (mode !== "mdns" && mode !== "seeds" && mode !== "dns") invalid(`unknown mode ${JSON.stringify(mode)}`)
  const refreshInterval = merged.refreshInterval ?? DEFAULT_REFRESH_INTERVAL
  if (!Number.isInteger(refreshInterval) || refreshInterval < 50 || refreshInterval > 86_400_000) {
    invalid(`refreshInterval must be an integer from 50 to 86400000 ms: ${refreshInterval}`)
  }
  if (mode === "seeds") validateSeeds(merged.seeds)
  if (mode === "dns") validateDns(merged.domain, merged.dnsServers)
  return { ...merged, mode, refreshInterval }
}

function stripUndefined(config: DiscoveryConfig): DiscoveryConfig {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined))
}

function validateSeeds(seeds: SeedSource | undefined): void {
  if (typeof seeds === "function") return
  if (typeof seeds !== "object" || seeds === null) invalid("mode \"seeds\" needs a seeds map or function")
  for (const [name, list] of Object.entries(seeds)) {
    validateName(name)
    if (!Array.isArray(list)) invalid(`seeds for ${name} must be an array of endpoints`)
    for (const ep of list) if (typeof ep !== "string" || !isConnectable(ep)) invalid(`bad seed endpoint ${JSON.stringify(ep)}`)
  }
}

function validateDns(domain: string | undefined, servers: readonly string[] | undefined): void {
  if (typeof domain !== "string" || !DOMAIN.test(domain)) invalid(`mode "dns" needs a valid domain: ${JSON.stringify(domain)}`)
  if (servers === undefined) return
  if (!Array.isArray(servers) || servers.length === 0) invalid("dnsServers must be a non-empty array")
  for (const s of servers) {
    const host = typeof s === "string" ? s.replace(/^\[(.*)\](:\d+)?$/, "$1").replace(/^([^:]+):\d+$/, "$1") : ""
    if (isIP(host) === 0) invalid(`dnsServers entries must be IP[:port]: ${JSON.stringify(s)}`)
  }
}

/**
 * BROKERLESS_DISCOVERY selects a mode without code changes (e.g. in a container without multicast):
 *   "mdns" | "dns:<domain>[@<server>[,<server>]]" | "seeds:<name>=<ep>[,<ep>][;<name>=...]"
 */
export function parseEnv(value: string | undefined): DiscoveryConfig {
  if (value === undefined || value.trim() === "") return {}
  const text = value.trim()
  if (text === "mdns") return { mode: "mdns" }
  if (text.startsWith("dns:")) {
    const [domain, servers] = text.slice(4).split("@")
    return servers === undefined ? { mode: "dns", domain } : { mode: "dns", domain, dnsServers: servers.split(",") }
  }
  if (text.startsWith("seeds:")) {
    const seeds: Record<string, string[]> = {}
    for (const entry of text.slice(6).split(";").filter(Boolean)) {
      const eq = entry.indexOf("=")
      if (eq <= 0) invalid(`BROKERLESS_DISCOVERY seed entry must be name=endpoint[,endpoint]: ${entry}`)
      seeds[entry.slice(0, eq).trim()] = entry.slice(eq + 1).split(",").map((s) => s.trim()).filter(Boolean)
    }
    return { mode: "seeds", seeds }
  }
  return invalid(`BROKERLESS_DISCOVERY must be "mdns", "dns:<domain>" or "seeds:<name>=<endpoints>": ${text}`)
}

/** DNS TTLs are whole seconds; mDNS answers live at most as long as the 75-minute TXT record. */
export function validateTtl(ttl: unknown): number | undefined {
  if (ttl === undefined) return undefined
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 1 || ttl > 4500) invalid(`ttl must be an integer number of seconds, 1-4500: ${String(ttl)}`)
  return ttl
}

export function validateId(id: unknown): string | undefined {
  if (id === undefined) return undefined
  if (typeof id !== "string" || !ID.test(id)) invalid(`id must be 1-16 characters of [A-Za-z0-9_]: ${JSON.stringify(id)}`)
  return id
}

/** multicast-dns wants the interface's IPv4 address; accept a name too, since that is what users know. */
export function resolveInterface(iface: unknown): string | undefined {
  if (iface === undefined) return undefined
  if (typeof iface !== "string" || iface === "") invalid("interface must be a non-empty string")
  if (isIP(iface) === 4) return iface
  const v4 = networkInterfaces()[iface]?.find((a) => a.family === "IPv4")
  if (v4 === undefined) invalid(`no IPv4 address on network interface ${JSON.stringify(iface)}`)
  return v4.address
}

export function validateAddress(address: unknown): string | undefined {
  if (address === undefined) return undefined
  const host = typeof address === "string" ? address : ""
  if (isIP(host) === 0 && !DOMAIN.test(host)) invalid(`address must be an IP or host name: ${JSON.stringify(address)}`)
  return host
}
