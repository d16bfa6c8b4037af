// Discovery extension: advertise a socket's endpoints under a name, and connect a socket to every
// compatible peer advertising a name ("mdns://name"). The socket side only implements
// DiscoveryTarget and calls these two functions; it never sees mDNS or DNS.
//
// Socket-side duties: call advertisement.refresh() after every bind/unbind, stop() on close and
// await it (goodbye packets); call browse() for connect("mdns://name") and stop() for the matching
// disconnect() and on close.
import { zmqError } from "../errors.js"
import { MdnsAdvertisement } from "./mdns-advertiser.js"
import { MdnsBrowse } from "./mdns-browser.js"
import { PollingBrowse } from "./polling-browse.js"
import {
  resolveConfig, resolveInterface, validateAddress, validateId, validateTtl, validateName,
  type AdvertiseOptions, type BrowseOptions,
} from "./options.js"
import { validateExtraTxt } from "./txt.js"
import type { DiscoveryTarget } from "./target.js"

export type { DiscoveryTarget, DiscoveryEvent, DiscoveryEventType, DiscoverySource } from "./target.js"
export type { AdvertiseOptions, BrowseOptions, DiscoveryConfig, SeedSource } from "./options.js"
export { parseDiscoveryEndpoint } from "./options.js"

export interface Advertisement {
  /** The advertised instance id (TXT "id"); empty in "seeds" and "dns" modes. */
  readonly id: string
  /** Re-reads the target's bound endpoints and re-announces if they changed. */
  refresh(): void
  /** Withdraws the announcement (goodbye packets sent) and releases shared resources. Idempotent. */
  stop(): Promise<void>
}

export interface Browse {
  /** Stops resolving and disconnects every endpoint this browse connected. Idempotent. */
  stop(): Promise<void>
}

/**
 * Announces every bound tcp:// and ipc:// endpoint of `target` under `name`.
 * In "seeds" and "dns" modes there is nothing to announce (the list or the zone is managed
 * outside the process), so the result is inert.
 * @example const ad = advertise(pull, "jobs"); await pull.bind("tcp://*:0"); ad.refresh()
 */
export function advertise(target: DiscoveryTarget, name: string, opts: AdvertiseOptions = {}): Advertisement {
  validateName(name)
  checkObject(opts)
  const settings = {
    iface: resolveInterface(opts.interface), address: validateAddress(opts.address),
    txt: validateExtraTxt(opts.txt), id: validateId(opts.id), ttl: validateTtl(opts.ttl),
  }
  const config = resolveConfig(opts.discovery)
  if (config.mode !== "mdns") return { id: "", refresh() {}, stop: () => Promise.resolve() }
  return new MdnsAdvertisement(target, name, settings)
}

/**
 * Connects `target` to every compatible peer found under `name`, and disconnects peers that leave.
 * Peers whose advertised socket type is incompatible are reported as "discovery:ignored".
 * @example const b = browse(push, "jobs"); push.events.on("discovery:up", (e) => console.log(e.endpoints))
 */
export function browse(target: DiscoveryTarget, name: string, opts: BrowseOptions = {}): Browse {
  validateName(name)
  checkObject(opts)
  const iface = resolveInterface(opts.interface)
  const config = resolveConfig(opts.discovery)
  if (config.mode !== "mdns") return new PollingBrowse(target, name, config)
  return new MdnsBrowse(target, name, { iface, refreshInterval: config.refreshInterval })
}

function checkObject(opts: unknown): void {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    throw zmqError("EINVAL", "discovery: options must be an object")
  }
}
