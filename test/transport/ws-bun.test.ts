// Bun's dialing path (transport/ws-bun.ts), checked under Node with a stand-in for Bun's global
// WebSocket: the real RFC 45 names go out in the header (Bun's `ws` replacement dropped them,
// which made every ws:// connect from Bun fail), TLS options map to Bun's, and an answer that
// names a subprotocol we did not offer is refused. The real thing runs in `npm run test:bun`.
import t from "tap"
import { dialBunWs, runningOnBun } from "../../lib/transport/ws-bun.js"
import type { WsEndpoint } from "../../lib/transport/ws-browser.js"
import type { WsLink } from "../../lib/transport/ws-link.js"
import type { ZmqError } from "../../lib/errors.js"

interface Made { url: string; options: { headers: Record<string, string>; tls?: Record<string, string> }; socket: FakeSocket }
const made: Made[] = []

class FakeSocket {
  binaryType = ""
  bufferedAmount = 0
  readyState = 0
  protocol = ""
  closed = false
  onopen: ((event: unknown) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  onclose: ((event: { code: number; wasClean: boolean }) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  constructor(url: string, options: Made["options"]) { made.push({ url, options, socket: this }) }
  send(): void {}
  close(): void { this.closed = true }
  /** The server answered the upgrade with `protocol`. */
  open(protocol: string): void { this.protocol = protocol; this.readyState = 1; this.onopen?.({}) }
}

const globals = globalThis as unknown as { WebSocket?: unknown; Bun?: unknown }
const saved = { WebSocket: globals.WebSocket, Bun: globals.Bun }
globals.WebSocket = FakeSocket
t.teardown(() => { globals.WebSocket = saved.WebSocket; globals.Bun = saved.Bun })

const ws = (address: string): WsEndpoint => {
  const url = new URL(address)
  return { transport: url.protocol.slice(0, -1) as "ws" | "wss", address, host: url.hostname, port: Number(url.port), path: url.pathname } as WsEndpoint
}
const noTls = { tls: { trustSystem: true }, maxPayload: 0 }

t.test("runningOnBun() follows globalThis.Bun", async (t) => {
  t.equal(runningOnBun(), saved.Bun !== undefined)
  globals.Bun = {}
  t.equal(runningOnBun(), true)
  globals.Bun = saved.Bun
})

t.test("the RFC 45 names go out as the Sec-WebSocket-Protocol header; the link opens on the answer", async (t) => {
  let link: WsLink | undefined
  dialBunWs(ws("ws://127.0.0.1:5555/zmq"), ["ZWS2.0/CURVE", "ZWS2.0-CURVE"], noTls, (l) => { link = l }, () => t.fail("no failure"))
  const { url, options, socket } = made.at(-1)!
  t.equal(url, "ws://127.0.0.1:5555/zmq")
  t.same(options.headers, { "Sec-WebSocket-Protocol": "ZWS2.0/CURVE, ZWS2.0-CURVE" })
  t.equal(options.tls, undefined, "no TLS options on ws://")
  socket.open("ZWS2.0/CURVE")
  t.equal(link?.protocol, "ZWS2.0/CURVE")
})

t.test("wss:// passes the wss* options as Bun's tls options", async (t) => {
  const tls = { trustPem: "CA", certPem: "CERT", keyPem: "KEY", hostname: "example.test", trustSystem: false }
  dialBunWs(ws("wss://127.0.0.1:5556/zmq"), ["ZWS2.0/NULL"], { tls, maxPayload: 0 }, () => {}, () => {})
  t.same(made.at(-1)!.options.tls, { ca: "CA", cert: "CERT", key: "KEY", serverName: "example.test" })
})

t.test("an answer naming a subprotocol we did not offer is refused, and so is a failed connection", async (t) => {
  const errors: ZmqError[] = []
  dialBunWs(ws("ws://127.0.0.1:5557/zmq"), ["ZWS2.0/NULL"], noTls, () => t.fail("must not open"), (e) => errors.push(e))
  const wrong = made.at(-1)!.socket
  wrong.open("chat")
  t.ok(wrong.closed, "closed")
  dialBunWs(ws("ws://127.0.0.1:5558/zmq"), ["ZWS2.0/NULL"], noTls, () => t.fail("must not open"), (e) => errors.push(e))
  made.at(-1)!.socket.onerror?.({})
  made.at(-1)!.socket.onclose?.({ code: 1006, wasClean: false })
  t.same(errors.map((e) => e.code), ["ECONNREFUSED", "ECONNREFUSED"], "one failure each")
  t.match(errors[0]!.detail, /not offered/)
})
