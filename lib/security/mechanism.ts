// Security mechanisms (RFC 37 NULL, RFC 24 PLAIN, RFC 26 CURVE) as state machines behind one
// seam: the engine sends what start() gives with its greeting, feeds every handshake command to
// onCommand(), and acts on the step it returns. After the handshake the mechanism's session owns
// the framing of the data phase (libzmq mechanism_t::encode/decode): the engine encodes and
// decodes through it and knows no mechanism. No I/O here; a server's ZAP check is an async step
// (its authenticator, see session/zap-client.ts).
import type { ZmqError } from "../errors.js"
import type { PeerReady } from "../zmtp/ready.js"
import type { Command } from "../zmtp/command.js"

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
  /** The data phase, read once the step was "ready"; absent: frames travel in the clear. */
  readonly session?: MechanismSession | undefined
}

/** Where a session hands what it decoded (the engine). Calls are synchronous, in wire order. */
export interface SessionSink {
  /** A whole multipart message for the pipe. */
  onSessionMessage(frames: Buffer[]): void
  /** A command of the data phase (PING, SUBSCRIBE, JOIN, extensions...). */
  onSessionCommand(command: Command): void
  /** Input that breaks the mechanism's rules: the connection ends with this error. */
  onSessionError(error: ZmqError): void
}

/**
 * How frames look on the wire after the handshake. The engine's one FrameDecoder hands every
 * decoded unit (frame bodies, never wire headers) to decode*; encode turns a batch into the
 * buffers to write. A session may keep state (CURVE nonces), so it belongs to one connection.
 */
export interface MechanismSession {
  /**
   * Frames travel as they are (NULL, PLAIN): an engine with its own framing (ZWS) may frame
   * messages itself. When false, every buffer encode() returns is one whole ZMTP frame.
   */
  readonly transparent: boolean
  /**
   * The wire form of a batch, in order: `commandFrames` (encoded ZMTP command frames), then
   * every frame of every message. May append to and return `commandFrames`; never keeps it.
   */
  encode(commandFrames: Buffer[], messages: readonly (readonly Buffer[])[]): Buffer[]
  /** A whole message (a MORE run of data frames) from the frame decoder. */
  decodeMessage(frames: Buffer[], sink: SessionSink): void
  /** A command frame's body (name length, name, data) from the frame decoder. */
  decodeCommand(body: Buffer, sink: SessionSink): void
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
