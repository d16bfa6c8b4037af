// The seam between the discovery engine and the socket classes. Discovery never imports a socket
// class: a socket implements DiscoveryTarget and hands itself to advertise()/browse(). Everything
// the engine needs from a socket is here, and nothing else (extensions plug in without leaking
// into the socket classes; docs/discovery.md describes this seam).
import type { SocketType } from "../zmtp/compat.js"

/** Where a peer set came from: multicast DNS-SD, a static seed list, or unicast DNS SRV records. */
export type DiscoverySource = "mdns" | "seeds" | "dns"

export type DiscoveryEventType =
  | "discovery:up" | "discovery:down" | "discovery:ignored" | "discovery:error"

/**
 * What browse() reports through DiscoveryTarget.emitDiscovery().
 * - `discovery:up`: a peer instance appeared, or its endpoint set changed; `endpoints` is its full
 *   current set (all connected). `reason` is "new" or "changed".
 * - `discovery:down`: a peer instance is gone and its endpoints were disconnected. `reason` is
 *   "goodbye" (mDNS withdraw), "expired" (TTL ran out), "removed" (no longer in the seed list or
 *   DNS answer) or "stopped" (the browse itself was stopped).
 * - `discovery:ignored`: a peer was found but not connected: incompatible socket type, or no
 *   endpoint reachable from this host. Reported once per peer and state, not on every refresh.
 * - `discovery:error`: a resolver failed (DNS timeout, multicast socket error); the current peer
 *   set is kept and the resolver retries on its next refresh.
 */
export interface DiscoveryEvent {
  readonly type: DiscoveryEventType
  /** The name being browsed, as in "mdns://name". */
  readonly name: string
  readonly source: DiscoverySource
  /** Stable id of the peer: its advertised `id` (mDNS), or "host:port" (DNS), or the endpoint (seeds). */
  readonly instance?: string
  /** Socket type the peer advertised; undefined when the source carries none (seeds). */
  readonly socketType?: string
  readonly endpoints: readonly string[]
  readonly reason?: string
  /** The peer's TXT metadata (mDNS/DNS), e.g. { type: "PULL", zmtp: "3.1", "x-codec": "msgpack" }. */
  readonly metadata?: Readonly<Record<string, string>>
  readonly error?: Error
}

/**
 * Implemented by the socket base. Contract:
 * - `connect`/`disconnect` are called with concrete tcp:// or ipc:// endpoints only; they must not
 *   throw for a valid endpoint and must not re-enter the discovery engine synchronously.
 * - Discovery connects an endpoint once and disconnects it once (it reference-counts endpoints
 *   shared by several peers), so the socket sees balanced calls.
 * - Once `closed` is true the engine makes no further calls on the target (stop() stays silent).
 * - `emitDiscovery` may be called from timers and network callbacks, never from inside connect().
 */
export interface DiscoveryTarget {
  readonly type: SocketType
  readonly closed: boolean
  /** Resolved bound endpoints, e.g. "tcp://0.0.0.0:40123", "tcp://127.0.0.1:5555", "ipc:///tmp/x". */
  boundEndpoints(): readonly string[]
  /** Enabled extensions, e.g. { codec: "msgpack", reliable: "1" }; advertised as TXT "x-<key>". */
  extensions(): Record<string, string>
  connect(endpoint: string): void
  disconnect(endpoint: string): void
  emitDiscovery(event: DiscoveryEvent): void
}
