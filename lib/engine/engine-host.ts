// The seam between a connection engine and the connection manager that owns it (a dialer or a
// listener on the session floor): what the engine is told at creation, and how it reports
// readiness and its end. Hosts see engines only as HostedEngine, so this file imports no engine.
//
// Adding a second engine (a WebSocket engine, say): implement HostedEngine (for the host) and
// PipeEngine (pipe/pipe.ts, for the pipe), take EngineOptions, and report through EngineHost:
// onEngineReady once the peer's READY is accepted (the host then calls attach() synchronously),
// onEngineClosed exactly once. Security is not the engine's business: createMechanism(
// options.security, options.local, options.address) gives the handshake steps (start/onCommand,
// see security/mechanism.ts), and its session ?? CLEAR_SESSION does the data-phase framing
// (encode a batch; decodeMessage/decodeCommand take frame bodies, so any framing can feed them).
// A ZMTP byte stream reuses HandshakeDriver, StreamReader and StreamWriter as StreamEngine does.
// Commands from the socket arrive in pipe.commands (flush them with the messages; zmtp/command
// encodePipeCommand gives their ZMTP frame); commands the engine does not handle itself go to
// pipe.owner.onPipeCommand. The socket never calls the engine.
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
  /** Local address of the connection (tcp), for events and stats. */
  localAddress?: string | undefined
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
