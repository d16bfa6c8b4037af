// ws:// and wss:// dialing under Bun. Bun swaps the `ws` package for its own client, which
// ignores the options ws-transport.ts relies on (finishRequest, createConnection), so the real
// RFC 45 subprotocol names never reach the server. Bun's global WebSocket does take a `headers`
// option and sends it as given, "ZWS2.0/NULL" included, so Bun dials with it (libzmq interop
// kept). Listening stays on ws-transport.ts: Bun's `ws` server side works as Node's.
import { zmqError, type ZmqError } from "../errors.js"
import { BrowserWsLink, wsUrl, type BrowserSocket, type WsEndpoint } from "./ws-browser.js"
import type { WsLink, WsSettings } from "./ws-link.js"

/** Bun's WebSocket constructor: a URL and an options object (Bun's extension of the standard). */
type BunWebSocket = new (url: string, options: {
  headers: Record<string, string>
  tls?: { ca?: string; cert?: string; key?: string; serverName?: string }
}) => BrowserSocket

/** True under Bun (where the `ws` package is Bun's own client). */
export function runningOnBun(): boolean {
  return (globalThis as { Bun?: unknown }).Bun !== undefined
}

export function dialBunWs(
  endpoint: WsEndpoint, protocols: readonly string[], options: WsSettings,
  onOpen: (link: WsLink) => void, onFail: (error: ZmqError) => void,
): () => void {
  const { tls } = options
  const Socket = (globalThis as unknown as { WebSocket: BunWebSocket }).WebSocket
  const ws = new Socket(wsUrl(endpoint), {
    headers: { "Sec-WebSocket-Protocol": protocols.join(", ") },
    ...(endpoint.transport === "wss" ? {
      tls: {
        ...(tls.trustPem !== undefined ? { ca: tls.trustPem } : {}),
        ...(tls.certPem !== undefined ? { cert: tls.certPem } : {}),
        ...(tls.keyPem !== undefined ? { key: tls.keyPem } : {}),
        ...(tls.hostname !== undefined ? { serverName: tls.hostname } : {}),
      },
    } : {}),
  })
  let settled = false
  const fail = (reason: string) => {
    if (settled) return
    settled = true
    onFail(zmqError("ECONNREFUSED", reason, { address: endpoint.address }))
  }
  ws.onerror = () => fail("WebSocket connection failed")
  ws.onclose = () => fail("connection closed before the WebSocket handshake")
  ws.onopen = () => {
    if (settled) return ws.close()
    settled = true
    ws.onerror = null
    ws.onclose = null
    // The server picked from our offer; anything else means a peer that ignored it.
    if (!protocols.includes(ws.protocol)) {
      ws.close()
      return onFail(zmqError("ECONNREFUSED", `WebSocket subprotocol not offered: "${ws.protocol}"`, { address: endpoint.address }))
    }
    onOpen(new BrowserWsLink(ws, ws.protocol))
  }
  return () => {
    settled = true
    ws.close()
  }
}
