// The seam between a connection engine (StreamEngine today) and the connection manager that
// owns it (a dialer or a listener on the session floor): what the engine is told at creation,
// and how it reports readiness and its end. Hosts see engines only as HostedEngine, so this
// file imports no engine and a second engine kind plugs in without touching the hosts' types.
import type { ZmqError } from "../errors.js"
import type { PeerInfo, Pipe } from "../pipe/pipe.js"
import type { SecurityConfig } from "../security/mechanism.js"
import type { LocalIdentity } from "../zmtp/ready.js"

export interface EngineOptions {
  local: LocalIdentity
  handshakeInterval: number
  heartbeatInterval: number
  heartbeatTimeout: number
  heartbeatTimeToLive: number
  maxMessageSize: number
  /** The local socket is a PUB/XPUB: SUBSCRIBE/CANCEL commands become 0x01/0x00 messages. */
  receivesSubscriptions: boolean
  /** Remote address, for events. */
  address: string
  /** NULL, PLAIN or CURVE, as client or server (lib/security). */
  security: SecurityConfig
}

export type CloseKind = "protocol" | "auth" | "timeout" | "closed" | "local"

export interface EngineClose {
  kind: CloseKind
  error?: ZmqError | undefined
  /** The handshake had completed. */
  handshaken: boolean
}

/** An engine as its host sees it: one connection that becomes a pipe's engine once handshaken. */
export interface HostedEngine {
  /** Binds the handshaken connection to `pipe` (called from onEngineReady, synchronously). */
  attach(pipe: Pipe, peer: PeerInfo): void
  /** Ends the connection; graceful lets what was written leave first (bounded by a timer). */
  close(graceful?: boolean): void
}

/** The connection manager that owns an engine (a dialer or a listener). */
export interface EngineHost {
  /** Handshake done: the host must call engine.attach(pipe) synchronously, or engine.close(). */
  onEngineReady(engine: HostedEngine, peer: PeerInfo): void
  /** The connection is over; called exactly once. */
  onEngineClosed(engine: HostedEngine, close: EngineClose): void
}
