// Security mechanisms (RFC 37 NULL, RFC 24 PLAIN) as state machines behind one seam: the engine
// sends what start() gives with its greeting, feeds every handshake command to onCommand(),
// and acts on the step it returns. No I/O here; a PLAIN server's ZAP check is the one async
// step (see session/zap-client.ts).
import type { ZmqError } from "../errors.js"
import type { PeerReady } from "../zmtp/ready.js"
import type { Command } from "../zmtp/command.js"
import type { CurveSession } from "./curve-session.js"

/** What the engine does next in a handshake. */
export type HandshakeStep =
  /** Send these command frames and wait for the peer's next command. */
  | { kind: "continue"; send: Buffer[] }
  /** Send these command frames; the handshake is complete. */
  | { kind: "ready"; peer: PeerReady; send: Buffer[] }
  /** End the connection; `reason` is sent to the peer in an ERROR command first. */
  | { kind: "fail"; error: ZmqError; auth: boolean; reason?: string | undefined }
  /** Decided later (a ZAP reply); the engine applies the step when it comes. */
  | { kind: "pending"; step: Promise<HandshakeStep> }

export interface Mechanism {
  /** The greeting's mechanism name. */
  readonly name: "NULL" | "PLAIN" | "CURVE"
  /** The greeting's as-server flag. */
  readonly asServer: boolean
  /** Command frames sent with our greeting. */
  start(): Buffer[]
  /** A command received before the handshake completed. */
  onCommand(command: Command): HandshakeStep
  /** Set when the connection must end at once (see SecurityConfig "INVALID"). */
  readonly setupError?: ZmqError | undefined
  /** CURVE: boxes every frame once the handshake is complete. */
  readonly session?: CurveSession | undefined
}

/** A ZAP (RFC 27) request for the credentials a client presented. */
export interface ZapRequest {
  domain: string
  /** The client's IP address. */
  address: string
  /** The client's routing id, or empty. */
  identity: Buffer
  mechanism: "PLAIN" | "CURVE"
  credentials: Buffer[]
}

export interface ZapVerdict {
  /** "200" allows; "300" (temporary) and "400" (refused) deny; "500" is a handler failure. */
  statusCode: string
  statusText: string
  userId: string
}

export type Authenticator = (request: ZapRequest) => Promise<ZapVerdict>

/** What an engine needs to know about security, built from the socket options. */
export type SecurityConfig =
  | { mechanism: "NULL" }
  /** Options that cannot work (changed after bind/connect checked them): refuse, never downgrade. */
  | { mechanism: "INVALID"; error: ZmqError }
  | { mechanism: "PLAIN"; asServer: false; username: Buffer; password: Buffer }
  | { mechanism: "PLAIN"; asServer: true; domain: string; authenticate: Authenticator }
  | { mechanism: "CURVE"; asServer: false; publicKey: Uint8Array; secretKey: Uint8Array; serverKey: Uint8Array }
  | { mechanism: "CURVE"; asServer: true; publicKey: Uint8Array; secretKey: Uint8Array; domain: string; authenticate: Authenticator }
