// Opt-in per-message metadata (option receiveMetadata; zeromq.js #327): who sent a received
// message. The object is built once per connection and shared by its messages, so the opt-in
// path costs a lookup and a defineProperty per message, and the default path nothing.
import type { PeerInfo, Pipe } from "../pipe/pipe.js"
import { z85Encode } from "../security/z85.js"

export interface MessageMetadata {
  /** The sending peer's address (tcp: its IP and port; see README "Events"). */
  readonly address: string | undefined
  /** Our end of that connection. */
  readonly local: string | undefined
  /** The endpoint the peer belongs to (the bound or connected one). */
  readonly endpoint: string
  /** The peer's socket type ("PUSH", "DEALER"...). */
  readonly socketType: string | undefined
  /** The id a Router knows the peer by, else the Identity it announced. */
  readonly routingId: Buffer | undefined
  /** PLAIN/CURVE servers: the User-Id the ZAP handler gave this client ("" when no handler runs). */
  readonly userId: string | undefined
  /** CURVE: the peer's long-term public key, Z85-encoded (as the curve* options take keys). */
  readonly curvePublicKey: string | undefined
}

const cache = new WeakMap<PeerInfo, MessageMetadata>()

export function metadataOf(pipe: Pipe): MessageMetadata | undefined {
  const peer = pipe.peer
  if (peer === undefined) return undefined
  let metadata = cache.get(peer)
  if (metadata === undefined || metadata.routingId !== (pipe.routingId ?? peer.identity)) {
    metadata = Object.freeze({
      address: peer.address,
      local: peer.local,
      endpoint: pipe.endpoint,
      socketType: peer.socketType,
      routingId: pipe.routingId ?? peer.identity,
      userId: peer.userId,
      curvePublicKey: peer.curvePublicKey ? z85Encode(peer.curvePublicKey) : undefined,
    })
    cache.set(peer, metadata)
  }
  return metadata
}

/** Hangs `metadata` on a received value, non-enumerable (frames still compare and print as before). */
export function attachMetadata(value: unknown, pipe: Pipe | undefined): void {
  if (pipe === undefined || value === null || typeof value !== "object") return
  const metadata = metadataOf(pipe)
  if (metadata !== undefined) Object.defineProperty(value, "metadata", { value: metadata, enumerable: false, configurable: true })
}
