// One ws/wss connection on Node as a WsLink (ws-link.ts): binary messages only, each ZWS frame
// one WebSocket message; back-pressure from the socket's buffered amount, pings for heartbeats.
import WebSocket from "ws"
import type { WsLink, WsLinkHandler } from "./ws-link.js"

export class NodeWsLink implements WsLink {
  handler: WsLinkHandler | undefined
  private wantDrain = false
  private error: Error | undefined
  private closeTimer: NodeJS.Timeout | undefined
  private readonly sent = () => this.checkDrain()

  constructor(private readonly ws: WebSocket, readonly protocol: string) {
    ws.binaryType = "nodebuffer"
    ws.on("message", (data: Buffer, binary: boolean) => this.handler?.onMessage(data, binary))
    ws.on("pong", () => this.handler?.onPong())
    ws.on("error", (error) => { this.error ??= error })
    ws.on("close", () => {
      clearTimeout(this.closeTimer)
      this.handler?.onClose(this.error)
    })
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  send(messages: readonly Uint8Array[]): void {
    if (this.ws.readyState !== WebSocket.OPEN) return
    const last = messages.length - 1
    for (let i = 0; i <= last; i++) this.ws.send(messages[i]!, { binary: true, compress: false, fin: true }, i === last ? this.sent : undefined)
  }

  awaitDrain(): void {
    this.wantDrain = true
  }

  private checkDrain(): void {
    if (!this.wantDrain || this.ws.bufferedAmount > 0) return
    this.wantDrain = false
    this.handler?.onDrain()
  }

  readonly canPing = true

  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping()
  }

  pause(): void {
    this.ws.pause()
  }

  resume(): void {
    this.ws.resume()
  }

  close(): void {
    // Reading stays as it is: a paused reader must not take in (and so unblock) a peer that is
    // still sending to us; the timer below ends what the closing handshake does not.
    this.ws.close(1000)
    // `ws` waits 30 s for the peer's close frame; a peer that never answers holds no handle that long.
    this.closeTimer ??= setTimeout(() => this.ws.terminate(), 1000).unref()
  }

  terminate(): void {
    this.ws.terminate()
  }
}
