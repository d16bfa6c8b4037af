// What a socket's connections are made with, read from its options: the identity announced in
// READY, engine settings, reconnect back-off and security. The SecurityConfig is cached until a
// security option changes: deriving a CURVE public key is a scalar multiplication, too costly
// to repeat for every accepted connection.
import type { EngineOptions } from "../engine/engine-host.js"
import { zmqError } from "../errors.js"
import type { SecurityConfig } from "../security/mechanism.js"
import type { ConnectionSettings } from "../session/connection-owner.js"
import type { WsSettings } from "../transport/ws-link.js"
import type { SocketType } from "../zmtp/compat.js"
import type { PropertyList } from "../zmtp/metadata.js"
import type { LocalIdentity } from "../zmtp/ready.js"
import type { DiscoveryConfig } from "../discovery/index.js"
import { validateOption, type OptionName, type OptionValues } from "./options.js"
import { securityFromOptions } from "./security-options.js"

/** The options securityFromOptions() reads; a change to any of them rebuilds the config. */
const SECURITY_OPTIONS: readonly OptionName[] = ["curveServer", "curveSecretKey", "curveServerKey", "plainServer", "plainUsername", "plainPassword", "zapDomain"]

export interface ConnectOptions {
  /** Router only: the routing id the peer at this endpoint gets (ZMQ_CONNECT_ROUTING_ID). */
  routingId?: string
  /** mdns:// only: how the name is resolved (mDNS by default; static seeds or DNS SRV). */
  discovery?: DiscoveryConfig
  /** mdns:// only: the network interface to browse on, a name ("eth1") or one of its IPv4 addresses. */
  interface?: string
}

/** The routing id connect() gives the peer at an endpoint (Router only, ZMQ_CONNECT_ROUTING_ID). */
export function connectRoutingId(type: SocketType, routingId: string | undefined): Buffer | undefined {
  if (routingId === undefined) return undefined
  if (type !== "ROUTER" && type !== "STREAM") throw zmqError("EINVAL", "connect() routingId is for Router and Stream sockets")
  return Buffer.from(validateOption("routingId", routingId) ?? "")
}

export class ConnectionConfig implements ConnectionSettings {
  private securityKey: unknown[] = []
  private cachedSecurity: SecurityConfig | undefined

  constructor(
    private readonly type: SocketType,
    private readonly options: OptionValues,
    /** READY properties of the socket type and its extension (X- names). */
    private readonly properties: () => PropertyList,
  ) {}

  get receivesSubscriptions(): boolean {
    return this.type === "PUB" || this.type === "XPUB"
  }

  /** STREAM: connections carry raw bytes (no greeting, no framing). */
  get rawStreams(): boolean {
    return this.type === "STREAM"
  }

  get pipesOnlyWhenConnected(): boolean {
    return this.options.immediate
  }

  get localIdentity(): LocalIdentity {
    const routingId = this.options.routingId
    return {
      socketType: this.type,
      routingId: typeof routingId === "string" ? Buffer.from(routingId) : undefined,
      properties: this.properties(),
    }
  }

  reconnectPolicy(): { interval: number; maxInterval: number } {
    return { interval: this.options.reconnectInterval, maxInterval: this.options.reconnectMaxInterval }
  }

  engineOptions(address: string, localAddress?: string): EngineOptions {
    const o = this.options
    return {
      local: this.localIdentity,
      handshakeInterval: o.handshakeInterval,
      heartbeatInterval: o.heartbeatInterval,
      heartbeatTimeout: o.heartbeatTimeout,
      heartbeatTimeToLive: o.heartbeatTimeToLive,
      maxMessageSize: o.maxMessageSize,
      receivesSubscriptions: this.receivesSubscriptions,
      address,
      localAddress,
      security: this.security(),
    }
  }

  wsSettings(): WsSettings {
    const o = this.options
    const text = (value: unknown) => (typeof value === "string" ? value : undefined)
    const maxMessageSize = o.maxMessageSize
    return {
      tls: {
        keyPem: text(o.wssKeyPem), certPem: text(o.wssCertPem), trustPem: text(o.wssTrustPem),
        hostname: text(o.wssHostname), trustSystem: o.wssTrustSystem !== false,
      },
      // The WebSocket layer refuses a message over the limit before buffering it all (+64:
      // the flag octet and the CURVE box overhead).
      maxPayload: maxMessageSize >= 0 ? maxMessageSize + 64 : 0,
    }
  }

  /** The current SecurityConfig, rebuilt only when a security option changed since last time. */
  security(): SecurityConfig {
    const key = SECURITY_OPTIONS.map((name) => this.options[name])
    if (this.cachedSecurity === undefined || key.some((value, i) => value !== this.securityKey[i])) {
      this.cachedSecurity = securityFromOptions(this.options)
      this.securityKey = key
    }
    return this.cachedSecurity
  }

  /** Security options that cannot work are refused before any connection is made. */
  assertSecurity(): void {
    const security = this.security()
    if (security.mechanism === "INVALID") throw security.error
  }
}
