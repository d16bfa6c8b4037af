// The seam between a StreamEngine and the connection manager that owns it (a dialer or a
// listener): what the engine is told at creation, and how it reports readiness and its end.
import { zmqError, type ZmqError } from "../errors.js"
import type { SocketEvent } from "../events.js"
import type { PeerInfo } from "../pipe/pipe.js"
import type { SecurityConfig } from "../security/mechanism.js"
import type { LocalIdentity } from "./handshake.js"
import type { StreamEngine } from "./stream-engine.js"

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

/** The connection manager that owns an engine (a dialer or a listener). */
export interface EngineHost {
  /** Handshake done: the host must call engine.attach(pipe) synchronously, or engine.close(). */
  onEngineReady(engine: StreamEngine, peer: PeerInfo): void
  /** The connection is over; called exactly once. */
  onEngineClosed(engine: StreamEngine, close: EngineClose): void
}

/** The event for a connection that ended before its handshake completed (none for a local close). */
export function handshakeFailure(close: EngineClose, address: string): SocketEvent | undefined {
  if (close.handshaken || close.kind === "local") return undefined
  if (close.kind === "protocol") return { type: "handshake:error:protocol", address, ...(close.error ? { error: close.error } : {}) }
  if (close.kind === "auth") return { type: "handshake:error:auth", address, ...(close.error ? { error: close.error } : {}) }
  // Timeouts, and peers that hang up mid-handshake (libzmq does that on a socket-type mismatch).
  const error = close.error ?? zmqError("ECONNRESET", "peer closed the connection during the handshake", { address })
  return { type: "handshake:error:other", address, error }
}
