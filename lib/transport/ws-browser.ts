// ws:// and wss:// in the browser, over the global WebSocket: the browser build puts this file
// in place of ws-transport.ts (same exports). Clients only: a page cannot listen. TLS is the
// browser's own (wss:// trusts what the browser trusts; the wss* socket options do not apply).
import { zmqError, type ZmqError } from "../errors.js"
import type { Endpoint } from "./endpoint.js"
import type { WsLink, WsLinkHandler, WsSettings } from "./ws-link.js"

export type WsEndpoint = Extract<Endpoint, { transport: "ws" | "wss" }>

export interface WsListenOptions extends WsSettings {
  chooseProtocol(offered: ReadonlySet<string>): string | undefined
  server?: unknown
}

export interface WsListener {
  readonly endpoint: string
  close(): void
}

/** The parts of the browser's WebSocket used here (lib.dom is not in this project's types). */
export interface BrowserSocket {
  binaryType: string
  readonly bufferedAmount: number
  readonly readyState: number
  readonly protocol: string
  onopen: ((event: unknown) => void) | null
  onerror: ((event: unknown) => void) | null
  onclose: ((event: { code: number; wasClean: boolean }) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  send(data: Uint8Array): void
  close(code?: number): void
}
const OPEN = 1
const BrowserWebSocket = (globalThis as unknown as { WebSocket: new (url: string, protocols: string[]) => BrowserSocket }).WebSocket

/** Above this many octets queued in the WebSocket, output waits (polled: browsers have no drain event). */
const DRAIN_POLL_MS = 5

export class BrowserWsLink implements WsLink {
  handler: WsLinkHandler | undefined
  readonly canPing = false
  private drainTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly ws: BrowserSocket, readonly protocol: string) {
    ws.binaryType = "arraybuffer"
    ws.onmessage = (event) => {
      const data = event.data
      if (typeof data === "string") return this.handler?.onMessage(new TextEncoder().encode(data), false)
      this.handler?.onMessage(new Uint8Array(data as ArrayBuffer), true)
    }
    ws.onclose = (event) => {
      clearTimeout(this.drainTimer)
      this.handler?.onClose(event.wasClean ? undefined : new Error(`WebSocket closed (${event.code})`))
    }
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  send(messages: readonly Uint8Array[]): void {
    if (this.ws.readyState !== OPEN) return
    for (const message of messages) this.ws.send(message)
  }

  awaitDrain(): void {
    if (this.drainTimer !== undefined) return
    const poll = () => {
      this.drainTimer = undefined
      if (this.ws.readyState !== OPEN) return
      if (this.ws.bufferedAmount > 0) this.drainTimer = setTimeout(poll, DRAIN_POLL_MS)
      else this.handler?.onDrain()
    }
    this.drainTimer = setTimeout(poll, DRAIN_POLL_MS)
  }

  ping(): void {}
  pause(): void {}
  resume(): void {}

  close(): void {
    this.ws.close(1000)
  }

  terminate(): void {
    this.ws.close()
  }
}

export function wsUrl(endpoint: WsEndpoint): string {
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host
  return `${endpoint.transport}://${host}:${endpoint.port}${endpoint.path}`
}

/** Browsers only accept tokens as subprotocol names: RFC 45's "ZWS2.0/NULL" is refused (see zws.ts). */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`|a-z~]+$/

export function dialWs(
  endpoint: WsEndpoint, protocols: readonly string[], _options: WsSettings,
  onOpen: (link: WsLink) => void, onFail: (error: ZmqError) => void,
): () => void {
  let ws: BrowserSocket
  try {
    ws = new BrowserWebSocket(wsUrl(endpoint), protocols.filter((name) => TOKEN.test(name)))
  } catch (error) {
    queueMicrotask(() => onFail(zmqError("EINVAL", (error as Error).message, { address: endpoint.address, cause: error })))
    return () => {}
  }
  let settled = false
  ws.onerror = () => {
    if (settled) return
    settled = true
    onFail(zmqError("ECONNREFUSED", "WebSocket connection failed", { address: endpoint.address }))
  }
  ws.onclose = () => ws.onerror?.(undefined)
  ws.onopen = () => {
    if (settled) return ws.close()
    settled = true
    ws.onerror = null
    ws.onclose = null
    onOpen(new BrowserWsLink(ws, ws.protocol))
  }
  return () => {
    settled = true
    ws.close()
  }
}

export function listenWs(endpoint: WsEndpoint): Promise<WsListener> {
  return Promise.reject(zmqError("EPROTONOSUPPORT", `bind ${endpoint.address}: a browser cannot listen (connect to a server instead)`, { address: endpoint.address }))
}
