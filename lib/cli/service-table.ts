// The rows of `brokerless discover` and how they print: a fixed-width table (redrawn in place on
// a terminal), or one line per change (text or JSON) for pipes and scripts. Pure: no I/O.
import { joinTcp, splitTcp, stringRecord, txtEndpoints } from "../discovery/txt.js"

export interface ServiceRow {
  /** The advertised name (TXT "name"): what peers connect to as mdns://name. */
  readonly name: string
  /** The socket type (TXT "type"). */
  readonly type: string
  readonly host: string
  readonly instance: string
  readonly endpoints: readonly string[]
  state: "up" | "down"
  /** When the state last changed. */
  since: Date
}

/** What bonjour-service reports of a service, as far as the table needs it. */
export interface SeenService {
  readonly fqdn: string
  readonly name?: string
  readonly host?: string
  readonly txt?: unknown
  readonly referer?: { readonly address: string }
}

/** A row from an mDNS answer; "tcp://*:port" gets the address the answer came from. */
export function rowOf(service: SeenService, now = new Date()): ServiceRow {
  const txt = stringRecord(service.txt)
  const from = service.referer?.address
  const endpoints = txtEndpoints(txt).map((ep) => {
    const tcp = splitTcp(ep)
    return tcp?.host === "*" && from !== undefined ? joinTcp(from, tcp.port) : ep
  })
  return {
    name: txt.name ?? service.name ?? service.fqdn, type: txt.type ?? "?", host: txt.host ?? service.host ?? "?",
    instance: txt.id ?? service.fqdn, endpoints, state: "up", since: now,
  }
}

const HEADERS = ["NAME", "TYPE", "HOST", "ENDPOINTS", "STATE", "SINCE"] as const

/** The whole table, rows sorted by name then instance, columns padded to fit. */
export function renderTable(rows: Iterable<ServiceRow>): string {
  const cells = [...rows]
    .sort((a, b) => a.name.localeCompare(b.name) || a.instance.localeCompare(b.instance))
    .map((r) => [r.name, r.type, r.host, r.endpoints.join(" ") || "-", r.state, clock(r.since)])
  const all = [[...HEADERS], ...cells]
  const widths = HEADERS.map((_, i) => Math.max(...all.map((row) => row[i]!.length)))
  const lines = all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "))
  if (cells.length === 0) lines.push("(no services yet)")
  return lines.join("\n")
}

/** One change as a line: "<time> up|down name type host endpoints", or a JSON object. */
export function changeLine(row: ServiceRow, json: boolean): string {
  if (json) return JSON.stringify({ ...row, since: row.since.toISOString() })
  return [row.since.toISOString(), row.state, row.name, row.type, row.host, row.endpoints.join(" ") || "-"].join(" ")
}

function clock(date: Date): string {
  return date.toISOString().slice(11, 19)
}
