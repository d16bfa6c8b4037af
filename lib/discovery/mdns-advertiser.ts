// Announces one socket's bound endpoints as a "_zmtp._tcp" DNS-SD service over mDNS and withdraws
// it with goodbye packets (RFC 6762 section 10.1) on stop, so browsers drop it at once instead of
// waiting for the TTL. Endpoint changes re-publish under a new instance name before the old one
// says goodbye: browsers see the union for a moment, so unchanged endpoints never disconnect.
import { hostname } from "node:os"
import { once } from "node:events"
import { randomBytes } from "node:crypto"
import { acquireBonjour, type BonjourLease, type Published } from "./bonjour-pool.js"
import { advertisedEndpoints, encodeTxt, splitTcp } from "./txt.js"
import type { DiscoveryTarget } from "./target.js"

// SRV needs a port even when only ipc:// is bound; 9 ("discard") is the customary placeholder.
const PLACEHOLDER_PORT = 9
// bonjour emits 'up' right after the announcement is sent; bound the wait in case it never is.
const ANNOUNCE_WAIT_MS = 2000
const GENERATIONS = 36 ** 4 // keeps "<name>-<id>-<gen>" within one 63-byte DNS label

export interface MdnsAdvertiseSettings {
  readonly iface?: string
  readonly address?: string
  readonly txt?: Readonly<Record<string, string>>
  readonly id?: string
  /** SRV record TTL in seconds; bonjour-service's default (120) when absent. */
  readonly ttl?: number
}

export class MdnsAdvertisement {
  readonly id: string
  private readonly lease: BonjourLease
  private current: Published | undefined
  private published = ""
  private generation = 0
  private readonly retiring = new Set<Promise<void>>()
  private stopping: Promise<void> | undefined

  constructor(
    private readonly target: DiscoveryTarget,
    private readonly name: string,
    private readonly settings: MdnsAdvertiseSettings,
  ) {
    this.id = settings.id ?? randomBytes(6).toString("hex")
    this.lease = acquireBonjour(settings.iface)
    this.refresh()
  }

  /** Re-reads the target's bound endpoints; call after every bind/unbind. No-op if nothing changed. */
  refresh(): void {
    if (this.stopping !== undefined || this.target.closed) return
    const endpoints = advertisedEndpoints(this.target.boundEndpoints(), this.settings.address)
    const txt = encodeTxt({
      name: this.name, id: this.id, type: this.target.type, host: hostname(), endpoints,
      extensions: this.target.extensions(), ...(this.settings.txt ? { extra: this.settings.txt } : {}),
    })
    const port = endpoints.map((ep) => splitTcp(ep)?.port).find((p) => p !== undefined) ?? PLACEHOLDER_PORT
    const key = endpoints.length === 0 ? "" : JSON.stringify([port, txt])
    if (key === this.published) return
    this.published = key
    const old = this.current
    this.current = key === "" ? undefined : this.publish(port, txt)
    if (old !== undefined) this.retire(old, this.current)
  }

  /** Withdraws the service (goodbye sent) and releases the shared bonjour instance. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.withdrawAll()
    return this.stopping
  }

  private publish(port: number, txt: Record<string, string>): Published {
    this.generation = (this.generation + 1) % GENERATIONS
    return this.lease.publish(`${this.name}-${this.id}-${this.generation.toString(36)}`, port, txt, this.settings.ttl)
  }

  private retire(old: Published, next: Published | undefined): void {
    const first = next?.[0] // the IPv4 stack's: there is always one
    const announced = first === undefined || first.published ? Promise.resolve() : waitUp(first)
    const done = announced.then(() => this.lease.unpublish(old))
    this.retiring.add(done)
    void done.finally(() => this.retiring.delete(done))
  }

  private async withdrawAll(): Promise<void> {
    await Promise.all(this.retiring)
    const last = this.current
    this.current = undefined
    if (last !== undefined) await this.lease.unpublish(last)
    await this.lease.release()
  }
}

function waitUp(service: Published[number]): Promise<void> {
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(), ANNOUNCE_WAIT_MS)
  timer.unref()
  return once(service, "up", { signal: ac.signal }).then(
    () => clearTimeout(timer),
    () => undefined,
  )
}
