// The seam between connection management (dialers, listeners) and the socket that owns them.
// Dialers and listeners create engines and pipes; the socket decides what a pipe means.
import type { EngineClose, EngineOptions } from "../engine/engine-host.js"
import { zmqError } from "../errors.js"
import type { LocalIdentity } from "../zmtp/ready.js"
import type { SocketEvent } from "../events.js"
import type { Pipe } from "../pipe/pipe.js"
import type { SocketType } from "../zmtp/compat.js"
import type { WsSettings } from "../transport/ws-link.js"

/** How a socket's connections are made; read each time a connection starts. */
export interface ConnectionSettings {
  readonly localIdentity: LocalIdentity
  /** PUB/XPUB: SUBSCRIBE/CANCEL from peers become 0x01/0x00 messages. */
  readonly receivesSubscriptions: boolean
  /** STREAM: tcp/ipc connections carry raw bytes (RawStreamEngine), not ZMTP. */
  readonly rawStreams: boolean
  /** Connect-side pipes exist only while connected (option `immediate`). */
  readonly pipesOnlyWhenConnected: boolean
  /** Reconnect back-off (options reconnectInterval, reconnectMaxInterval). */
  reconnectPolicy(): { interval: number; maxInterval: number }
  engineOptions(address: string, localAddress?: string): EngineOptions
  /** ws/wss: TLS material and the largest message (options wss*, maxMessageSize). */
  wsSettings(): WsSettings
}

export interface ConnectionOwner {
  readonly type: SocketType
  readonly settings: ConnectionSettings
  createPipe(endpoint: string): Pipe
  /** A new pipe (possibly not connected yet); false refuses it (e.g. a second PAIR peer). */
  attachPipe(pipe: Pipe): boolean
  /** The pipe got a live, handshaken connection; false refuses it (e.g. duplicate routing id). */
  pipeConnected(pipe: Pipe): boolean
  /** The pipe's connection ended; the pipe itself stays (connect side) or is detached next. */
  pipeDisconnected(pipe: Pipe): void
  /** The pipe is gone for good. */
  detachPipe(pipe: Pipe): void
  emit(event: SocketEvent): void
}

/** The fields of a connection event that say who the peer is (README "Events"). */
export function peerFields(pipe: Pipe | undefined): Pick<SocketEvent, "remote" | "local" | "peer"> {
  const peer = pipe?.peer
  if (peer === undefined) return {}
  const fields: Pick<SocketEvent, "remote" | "local" | "peer"> = {
    remote: peer.address,
    peer: { socketType: peer.socketType, routingId: pipe!.routingId ?? peer.identity },
  }
  if (peer.local !== undefined) fields.local = peer.local
  return fields
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
