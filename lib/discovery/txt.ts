// TXT metadata of an advertised socket (DNS-SD, RFC 6763 section 6) and the mapping between bound
// endpoints and advertised ones. Pure functions, shared by the mDNS advertiser/browser and the
// DNS SRV resolver.
//
// Keys: txtvers=1, name=<name>, id=<instance id>, type=<socket type>, zmtp=3.1, host=<hostname>,
// ep0..epN=<endpoint>, x-<extension>=<value>, plus the user's extra keys.
// An endpoint bound on a wildcard host is advertised as "tcp://*:<port>"; the browser puts in the
// address the announcement came from (or the service's A/AAAA records). Loopback and ipc://
// endpoints are only usable by peers on the same host, which the browser checks with `host`.
import { zmqError } from "../errors.js"

export const ZMTP_VERSION = "3.1"
export const TXT_VERSION = "1"
const RESERVED = new Set(["txtvers", "name", "id", "type", "zmtp", "host"])
const MAX_ENDPOINTS = 32
const MAX_TXT_ENTRY = 255 // one DNS character-string

export interface AdvertisedSocket {
  readonly name: string
  readonly id: string
  readonly type: string
  readonly host: string
  readonly endpoints: readonly string[]
  readonly extensions: Readonly<Record<string, string>>
  readonly extra?: Readonly<Record<string, string>>
}

export function encodeTxt(s: AdvertisedSocket): Record<string, string> {
  const txt: Record<string, string> = {
    txtvers: TXT_VERSION, name: s.name, id: s.id, type: s.type, zmtp: ZMTP_VERSION, host: s.host,
  }
  s.endpoints.slice(0, MAX_ENDPOINTS).forEach((ep, i) => { txt[`ep${i}`] = ep })
  for (const [k, v] of Object.entries(s.extensions)) txt[`x-${k}`] = v
  return { ...s.extra, ...txt }
}

/** Rejects user TXT entries that would shadow ours or not fit a DNS character-string. */
export function validateExtraTxt(extra: unknown): Readonly<Record<string, string>> | undefined {
  if (extra === undefined) return undefined
  if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
    throw zmqError("EINVAL", "discovery: txt must be an object of string values")
  }
  for (const [k, v] of Object.entries(extra)) {
    const bad = !/^[\x21-\x3c\x3e-\x7e]{1,64}$/.test(k) || typeof v !== "string"
      || Buffer.byteLength(`${k}=${v}`) > MAX_TXT_ENTRY
    const reserved = RESERVED.has(k.toLowerCase()) || /^ep\d+$/i.test(k) || /^x-/i.test(k)
    if (bad || reserved) throw zmqError("EINVAL", `discovery: TXT key ${JSON.stringify(k)} is reserved or invalid`)
  }
  return extra as Readonly<Record<string, string>>
}

/** Splits "tcp://host:port" (host may be bracketed IPv6); undefined for other schemes. */
export function splitTcp(endpoint: string): { host: string; port: number } | undefined {
  const m = /^tcp:\/\/(?:\[([^\]]+)\]|([^:/]*)):(\d+)$/.exec(endpoint)
  if (m === null) return undefined
  return { host: m[1] ?? m[2] ?? "", port: Number(m[3]) }
}

export function joinTcp(host: string, port: number): string {
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`
}

/** "tcp://*:port" binds 0.0.0.0, as in libzmq: reachable over IPv4 only. */
const WILDCARD_V4 = new Set(["", "*", "0.0.0.0"])
/** "tcp://[::]:port" listens dual-stack in Node: reachable over either family. */
const WILDCARD_ANY = new Set(["::", "0:0:0:0:0:0:0:0"])

/**
 * Bound endpoints as a peer should see them. tcp on a wildcard host becomes "tcp://*:port" (an
 * IPv4 wildcard) or "tcp://[::]:port" (either family), so a browser fills in an address of a
 * family the peer listens on; `address` overrides every tcp host. ipc is kept (same-host
 * peers); other schemes (inproc, udp) are not reachable through a stream connect and are left out.
 */
export function advertisedEndpoints(bound: readonly string[], address?: string): string[] {
  const out: string[] = []
  for (const ep of bound) {
    if (ep.startsWith("ipc://")) { out.push(ep); continue }
    const tcp = splitTcp(ep)
    if (tcp === undefined || tcp.port === 0) continue
    const host = address ?? (WILDCARD_V4.has(tcp.host) ? "*" : WILDCARD_ANY.has(tcp.host) ? "::" : tcp.host)
    out.push(host === "*" ? `tcp://*:${tcp.port}` : joinTcp(host, tcp.port))
  }
  return [...new Set(out)]
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host) || /^::ffff:127\./i.test(host)
}

/** The peer's addresses that fill in its wildcard endpoints: `v4` for "*", `any` for "[::]". */
export interface WildcardHosts {
  readonly v4?: string | undefined
  readonly any?: string | undefined
}

/**
 * Concrete endpoints for an advertised set. The peer's addresses replace its wildcards (no
 * address of the family: skipped); ipc and loopback endpoints are kept only when `sameHost`,
 * since elsewhere they would reach the wrong machine.
 */
export function concreteEndpoints(advertised: readonly string[], hosts: WildcardHosts, sameHost: boolean): string[] {
  const out: string[] = []
  for (const ep of advertised) {
    if (ep.startsWith("ipc://")) { if (sameHost) out.push(ep); continue }
    const tcp = splitTcp(ep)
    if (tcp === undefined || tcp.port <= 0 || tcp.port > 65535) continue
    const wildcard = tcp.host === "*" ? "v4" : WILDCARD_ANY.has(tcp.host) ? "any" : undefined
    if (wildcard !== undefined) {
      const host = hosts[wildcard]
      if (host !== undefined) out.push(joinTcp(host, tcp.port))
      continue
    }
    if (isLoopback(tcp.host) && !sameHost) continue
    out.push(ep)
  }
  return [...new Set(out)].sort()
}

/** The ep0..epN values of a decoded TXT record, in index order. */
export function txtEndpoints(txt: Readonly<Record<string, string>>): string[] {
  return Object.keys(txt)
    .filter((k) => /^ep\d+$/.test(k))
    .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))
    .map((k) => txt[k] ?? "")
    .filter((v) => v !== "")
}

/** Decoded TXT values may be non-strings (bonjour's decoder); keep only string entries. */
export function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {}
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"))
}
