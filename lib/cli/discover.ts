// `brokerless discover`: the sockets advertised over mDNS (service type _zmtp._tcp) on this
// link, as a live table on a terminal or one line per change otherwise; --once prints the table
// after --timeout ms (default 2000) and exits, for scripts. A goodbye marks a service down.
// Services that vanish without a goodbye stay listed (mDNS TTL expiry is not tracked here).
import type { Command } from "commander"
import { writeLine } from "./output.js"
import { integer } from "./socket-options.js"
import { changeLine, renderTable, rowOf, type SeenService, type ServiceRow } from "./service-table.js"

interface DiscoverFlags {
  once?: boolean
  timeout?: number
  name?: string
  json?: boolean
  interface?: string
}

export function addDiscoverCommand(program: Command): void {
  program.command("discover")
    .description("list the sockets advertised over mDNS (name, type, host, endpoints, up/down), live")
    .option("--once", "print the table once after --timeout ms (default 2000) and exit")
    .option("-t, --timeout <ms>", "stop after ms (exit 0)", integer(0))
    .option("--name <name>", "only services advertised under this name")
    .option("--json", "one JSON object per change (or, with --once, per service)")
    .option("--interface <iface>", "multicast interface (name or IPv4 address)")
    .action(runDiscover)
}

async function runDiscover(flags: DiscoverFlags): Promise<void> {
  const { acquireBonjour } = await import("../discovery/bonjour-pool.js")
  const lease = acquireBonjour(flags.interface)
  const rows = new Map<string, ServiceRow>()
  /** The stack (IPv4/IPv6) a service was first heard on: its addresses come from that one. */
  const stackOf = new Map<string, number>()
  const live = !flags.once && process.stdout.isTTY === true && !flags.json
  const changed = (row: ServiceRow): void => {
    if (flags.once) return
    if (live) void writeLine(`\x1b[H\x1b[2J${renderTable(rows.values())}`)
    else void writeLine(changeLine(row, flags.json === true))
  }
  const up = (service: SeenService, family: number): void => {
    const row = rowOf(service)
    if (flags.name !== undefined && row.name !== flags.name) return
    if ((stackOf.get(service.fqdn) ?? family) !== family) return
    stackOf.set(service.fqdn, family)
    const before = rows.get(service.fqdn)
    rows.set(service.fqdn, row)
    // Re-announcements repeat what we know: only a new service or a real change is news.
    if (before === undefined || before.state === "down" || before.endpoints.join() !== row.endpoints.join()) changed(row)
  }
  const down = (service: SeenService): void => {
    const row = rows.get(service.fqdn)
    if (row === undefined || row.state === "down") return
    row.state = "down"
    row.since = new Date()
    changed(row)
  }
  const browsers = lease.browseStacks().map((stack) => {
    const browser = stack.find()
    const seen = (service: SeenService) => up(service, stack.family)
    browser.on("up", seen)
    browser.on("srv-update", seen)
    browser.on("txt-update", seen)
    browser.on("down", down)
    return browser
  })
  if (live) await writeLine(`\x1b[H\x1b[2J${renderTable(rows.values())}`)
  try {
    await stopSignal(flags.once ? flags.timeout ?? 2000 : flags.timeout)
  } finally {
    for (const browser of browsers) browser.stop()
    await lease.release()
  }
  if (!flags.once) return
  if (flags.json) for (const row of rows.values()) await writeLine(changeLine(row, true))
  else await writeLine(renderTable(rows.values()))
}

/** Resolves after `ms` (when given) or on Ctrl-C / SIGTERM. */
function stopSignal(ms: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(resolve, ms)
    const stop = () => { clearTimeout(timer); resolve() }
    process.once("SIGINT", stop)
    process.once("SIGTERM", stop)
  })
}

