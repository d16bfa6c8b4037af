// One open WebSocket connection as the ws engine sees it, whatever carries it: the `ws` package
// on Node (ws-transport.ts) or the browser's global WebSocket (ws-browser.ts). Bytes only: binary
// messages in and out, pings, closing. No node: import here, so the browser build can use it.

/** TLS material (socket options wssKeyPem, wssCertPem, wssTrustPem, wssHostname, wssTrustSystem). */
export interface WsTlsOptions {
  keyPem?: string | undefined
  certPem?: string | undefined
  trustPem?: string | undefined
  hostname?: string | undefined
  trustSystem: boolean
}

/** Transport settings a socket's options give every ws/wss bind and connect. */
export interface WsSettings {
  tls: WsTlsOptions
  /** Largest WebSocket message accepted (0 = no limit); a bigger one closes the connection. */
  maxPayload: number
}

export interface WsLinkHandler {
  /** One whole WebSocket message (fragments already joined); `binary` false for a text message. */
  onMessage(data: Uint8Array, binary: boolean): void
  /** A pong arrived (the peer is alive). */
  onPong(): void
  /** Everything sent so far has been handed to the network. */
  onDrain(): void
  /** The connection is gone (closed by either side, or failed). */
  onClose(error?: Error): void
}

export interface WsLink {
  /** The subprotocol both sides agreed on (Sec-WebSocket-Protocol). */
  readonly protocol: string
  /** Set by the engine before any message is delivered. */
  handler: WsLinkHandler | undefined
  /** Sends each buffer as one binary message, never fragmented. */
  send(messages: readonly Uint8Array[]): void
  /** Octets sent but not yet handed to the network. */
  readonly bufferedAmount: number
  /** Asks for onDrain() once what was sent so far has left. */
  awaitDrain(): void
  /** The platform can send pings (browsers cannot; they only answer them). */
  readonly canPing: boolean
  /** Sends a WebSocket ping (where canPing). */
  ping(): void
  /** Stops and restarts reading (inbound backpressure); no-ops where the platform cannot. */
  pause(): void
  resume(): void
  /** Closing handshake (1000), after what was already sent; the carrier bounds how long it waits. */
  close(): void
  /** Drops the connection at once. */
  terminate(): void
}
