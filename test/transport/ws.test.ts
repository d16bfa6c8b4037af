// The shared transport conformance suite, for ws:// (RFC 45 ZWS 2.0), plus ws specifics:
// paths sharing one port, attaching to an application's http.Server, refusals, wss, raw peers
// (text frames, fragments, pings), CURVE, libzmq path quirks and jszmq's bare ZWS2.0.
import { execFileSync } from "node:child_process"
import { createServer, get } from "node:http"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import t from "tap"
import WebSocket from "ws"
import * as zmq from "zeromq"
import { curveKeyPair } from "../../lib/security/keys.js"
import { Dealer } from "../../lib/socket/dealer.js"
import { Pair } from "../../lib/socket/pair.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { nextEvent, within } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"
import { declareTransportTests } from "./conformance.js"

declareTransportTests(t, "ws")

const str = (frames: Buffer[]) => frames.map(String)

t.test("ws: several sockets share one port, told apart by path", async (t) => {
  const a = new Pull()
  const b = new Pull()
  const push = new Push({ linger: 0 })
  t.teardown(() => { push.close(); a.close(); b.close() })
  await a.bind("ws://127.0.0.1:0/a")
  const port = /:(\d+)\//.exec(a.lastEndpoint!)![1]
  await b.bind(`ws://127.0.0.1:${port}/b/c`)
  t.equal(b.lastEndpoint, `ws://127.0.0.1:${port}/b/c`)
  await t.rejects(new Pull().bind(`ws://127.0.0.1:${port}/a`), { code: "EADDRINUSE" }, "a bound path is taken")
  await connectTo(b, push, b.lastEndpoint!)
  await push.send("to b")
  t.same(str(await within(b.receive(), 3000, "b")), ["to b"])
  await a.unbind(a.lastEndpoint!)
  const back = new Push({ linger: 0 })
  t.teardown(() => back.close())
  await connectTo(b, back, b.lastEndpoint!)
  t.pass("unbinding one path leaves the other served")
})

t.test("ws: bind(endpoint, { server }) attaches to an application's http.Server", async (t) => {
  const http = createServer((_request, response) => response.end("plain http still works"))
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
  const port = (http.address() as { port: number }).port
  const router = new Router()
  const dealer = new Dealer({ routingId: "d", linger: 0 })
  t.teardown(() => { dealer.close(); router.close(); http.close() })
  await router.bind(`ws://127.0.0.1:${port}/zmq`, { server: http })
  t.equal(router.lastEndpoint, `ws://127.0.0.1:${port}/zmq`)
  await connectTo(router, dealer, router.lastEndpoint!)
  await dealer.send("hi")
  t.same(str(await within(router.receive(), 3000, "router")), ["d", "hi"])
  const body = await new Promise<string>((resolve) => get(`http://127.0.0.1:${port}/`, (response) => {
    let text = ""
    response.on("data", (chunk) => { text += chunk })
    response.on("end", () => resolve(text))
  }))
  t.equal(body, "plain http still works")
})

t.test("ws: an unknown path is refused (HTTP 404) and the dialer retries", async (t) => {
  const pull = new Pull()
  const push = new Push({ linger: 0, reconnectInterval: 20 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind("ws://127.0.0.1:0/right")
  const retry = nextEvent(push, "connect:retry")
  push.connect(pull.lastEndpoint!.replace("/right", "/wrong"))
  const event = await retry
  t.match(String((event.error as { cause?: Error }).cause?.message), /404/)
})

t.test("ws: a server picks the subprotocol of its own mechanism; a NULL client is refused by a CURVE server", async (t) => {
  const keys = curveKeyPair()
  const server = new Pull({ curveServer: true, curveSecretKey: keys.secretKey })
  const plainClient = new Push({ linger: 0, reconnectInterval: 20 })
  const curveClient = new Push({ linger: 0, curveServerKey: keys.publicKey })
  t.teardown(() => { plainClient.close(); curveClient.close(); server.close() })
  await server.bind("ws://127.0.0.1:0/curve")
  const retry = nextEvent(plainClient, "connect:retry")
  plainClient.connect(server.lastEndpoint!)
  t.match(String(((await retry).error as { cause?: Error }).cause?.message), /subprotocol|400|refused/i)
  await connectTo(server, curveClient, server.lastEndpoint!)
  await curveClient.send(["boxed", Buffer.alloc(70_000, 3)])
  const got = await within(server.receive(), 3000, "curve")
  t.equal(String(got[0]), "boxed")
  t.ok(got[1]!.equals(Buffer.alloc(70_000, 3)))
})

t.test("ws: a CURVE burst of mixed sizes arrives intact (each batch is sealed into a reused slab)", async (t) => {
  const keys = curveKeyPair()
  const server = new Pull({ curveServer: true, curveSecretKey: keys.secretKey })
  const client = new Push({ linger: 0, curveServerKey: keys.publicKey })
  t.teardown(() => { client.close(); server.close() })
  await server.bind("ws://127.0.0.1:0/burst")
  await connectTo(server, client, server.lastEndpoint!)
  const SIZES = [1, 100, 600, 5000, 70_000]
  const body = (i: number) => Buffer.alloc(SIZES[i % SIZES.length]!, i % 251)
  const COUNT = 1500
  const sending = (async () => { for (let i = 0; i < COUNT; i++) await client.send([String(i), body(i)]) })()
  let intact = 0
  for (let i = 0; i < COUNT; i++) {
    const [index, payload] = await within(server.receive(), 5000, `message ${i}`)
    if (String(index) === String(i) && payload!.equals(body(i))) intact++
  }
  await sending
  t.equal(intact, COUNT, "every message in order with its own contents")
})

/**
 * A raw WebSocket peer offering the bare ZWS2.0 (no mechanism: routing ids first); `first` is
 * the first message it got (it may come with the upgrade answer, before 'open' is seen).
 */
async function rawPeer(endpoint: string, options: WebSocket.ClientOptions = {}): Promise<{ raw: WebSocket; first: Promise<Buffer> }> {
  const raw = new WebSocket(endpoint, ["ZWS2.0"], options)
  const first = new Promise<Buffer>((resolve) => raw.once("message", (data: Buffer) => resolve(data)))
  await new Promise((resolve, reject) => { raw.once("open", resolve); raw.once("error", reject) })
  raw.send(Buffer.from([0x00, ...Buffer.from("raw")])) // our routing id
  return { raw, first }
}

t.test("ws: bare ZWS2.0 exchanges routing ids; fragmented messages are accepted; text frames end the connection", async (t) => {
  const router = new Router()
  t.teardown(() => router.close())
  await router.bind("ws://127.0.0.1:0/raw")
  const { raw, first: firstMessage } = await rawPeer(router.lastEndpoint!)
  t.teardown(() => raw.terminate())
  const first = await within(firstMessage, 3000, "routing id")
  t.same([...first], [0x00], "the router's (empty) routing id comes first, as a last frame")
  // One ZWS frame in three WebSocket fragments.
  raw.send(Buffer.from([0x00, 0x68]), { fin: false })
  raw.send(Buffer.from([0x65, 0x6c]), { fin: false })
  raw.send(Buffer.from([0x6c, 0x6f]), { fin: true })
  t.same(str(await within(router.receive(), 3000, "fragmented")), ["raw", "hello"])
  const gone = nextEvent(router, "disconnect")
  raw.send("text is not ZWS")
  const event = await gone
  t.equal((event.error as { code?: string }).code, "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED")
})

t.test("ws: heartbeats are WebSocket pings; a peer that never answers is timed out", async (t) => {
  const router = new Router({ heartbeatInterval: 50, heartbeatTimeout: 150 })
  t.teardown(() => router.close())
  await router.bind("ws://127.0.0.1:0/hb")
  let pings = 0
  const { raw } = await rawPeer(router.lastEndpoint!, { autoPong: false })
  raw.on("ping", () => pings++)
  t.teardown(() => raw.terminate())
  const event = await nextEvent(router, "disconnect", 3000)
  t.ok(pings >= 1, `pinged (${pings})`)
  t.equal((event.error as { code?: string }).code, "ETIMEDOUT")
})

t.test("ws: libzmq clients send only the last path segment; the one bound path ending there answers", async (t) => {
  const pull = new Pull()
  const push = new zmq.Push({ linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind("ws://127.0.0.1:0/deep/path")
  const shaken = nextEvent(pull, "handshake")
  push.connect(pull.lastEndpoint!)
  await shaken
  await push.send("via libzmq")
  t.same(str(await within(pull.receive(), 3000, "libzmq")), ["via libzmq"])
})

t.test("ws: CURVE with libzmq both ways", async (t) => {
  const server = zmq.curveKeyPair()
  const ours = new Pair({ curveServer: true, curveSecretKey: server.secretKey, linger: 0 })
  const own = zmq.curveKeyPair()
  const theirs = new zmq.Pair({ curveServerKey: server.publicKey, curvePublicKey: own.publicKey, curveSecretKey: own.secretKey, linger: 0 })
  t.teardown(() => { theirs.close(); ours.close() })
  await ours.bind("ws://127.0.0.1:0/c1")
  const shaken = nextEvent(ours, "handshake")
  theirs.connect(ours.lastEndpoint!)
  await shaken
  await theirs.send(["to", "brokerless"])
  t.same(str(await within(ours.receive(), 3000, "ours")), ["to", "brokerless"])
  await ours.send(["to", "libzmq"])
  t.same(str(await within(theirs.receive(), 3000, "theirs")), ["to", "libzmq"])

  const zserver = new zmq.Pair({ curveServer: true, curveSecretKey: server.secretKey, linger: 0 })
  const client = new Pair({ curveServerKey: server.publicKey, linger: 0 })
  t.teardown(() => { client.close(); zserver.close() })
  await zserver.bind("ws://127.0.0.1:0/c2")
  const up = nextEvent(client, "handshake")
  client.connect(zserver.lastEndpoint!)
  await up
  await client.send(Buffer.alloc(100_000, 9))
  t.ok((await within(zserver.receive(), 3000, "zserver"))[0]!.equals(Buffer.alloc(100_000, 9)))
})

t.test("ws: jszmq (bare ZWS2.0) talks to a brokerless Router", async (t) => {
  let jszmq: typeof import("jszmq")
  try {
    jszmq = await import("jszmq")
  } catch (error) {
    t.skip(`jszmq does not load: ${(error as Error).message}`, () => {})
    return
  }
  const router = new Router()
  const dealer = new jszmq.Dealer()
  t.teardown(() => { dealer.close(); router.close() })
  await router.bind("ws://127.0.0.1:0/jszmq")
  dealer.connect(router.lastEndpoint!)
  dealer.send("from jszmq")
  const [id, body] = await within(router.receive(), 3000, "jszmq")
  t.equal(String(body), "from jszmq")
  const reply = new Promise<string>((resolve) => dealer.once("message", (msg: Buffer) => resolve(String(msg))))
  await router.send([id!, "to jszmq"])
  t.equal(await within(reply, 3000, "reply"), "to jszmq")
})

t.test("wss: TLS with the wss* options (a self-signed certificate for localhost)", async (t) => {
  let dir: string
  try {
    dir = mkdtempSync(join(tmpdir(), "bl-wss-"))
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ], { stdio: "ignore" })
  } catch (error) {
    t.skip(`openssl could not make a test certificate: ${(error as Error).message}`, () => {})
    return
  }
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const key = readFileSync(join(dir, "key.pem"), "utf8")
  const cert = readFileSync(join(dir, "cert.pem"), "utf8")
  const router = new Router({ wssKeyPem: key, wssCertPem: cert })
  const dealer = new Dealer({ routingId: "tls", wssTrustPem: cert, wssHostname: "localhost", linger: 0 })
  const stranger = new Dealer({ linger: 0, reconnectInterval: 20 })
  t.teardown(() => { stranger.close(); dealer.close(); router.close() })
  await t.rejects(new Router().bind("wss://127.0.0.1:0/x"), { code: "EINVAL" }, "a wss bind needs key and certificate")
  await router.bind("wss://127.0.0.1:0/secure")
  t.match(router.lastEndpoint, /^wss:\/\/127\.0\.0\.1:\d+\/secure$/)
  await connectTo(router, dealer, router.lastEndpoint!)
  await dealer.send("over tls")
  t.same(str(await within(router.receive(), 3000, "router")), ["tls", "over tls"])
  const refused = nextEvent(stranger, "connect:retry")
  stranger.connect(router.lastEndpoint!)
  t.ok((await refused).error, "a client that does not trust the certificate does not connect")
})

t.test("ws: a burst of large messages is handed to the WebSocket a window at a time, not a 256-message batch", async (t) => {
  // Regression: the engine took up to 256 messages per batch whatever their size, so `ws`
  // masked and queued ~256 MiB of 1 MiB messages at once and the receiver saw nothing for
  // seconds (the ws benchmark row stalled). The most the sender's WebSocket holds when it is
  // handed another message must stay near the 512 KiB write window.
  const original = WebSocket.prototype.send
  let most = 0
  WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<WebSocket["send"]>) {
    most = Math.max(most, this.bufferedAmount)
    return original.apply(this, args)
  } as WebSocket["send"]
  t.teardown(() => { WebSocket.prototype.send = original })
  const pull = new Pull()
  const push = new Push({ linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind("ws://127.0.0.1:0/burst")
  await connectTo(pull, push, pull.lastEndpoint!)
  const big = Buffer.alloc(1 << 20, 5)
  for (let i = 0; i < 24; i++) await push.send(big)
  for (let i = 0; i < 24; i++) t.equal((await within(pull.receive(), 10_000, `message ${i}`))[0]!.length, big.length)
  t.ok(most < 2 * (1 << 20), `at most ${(most / (1 << 20)).toFixed(2)} MiB waiting in the WebSocket before a send`)
})
