// PLAIN (RFC 24) with ZAP (RFC 27) between brokerless sockets: the ZAP handler is a Router
// bound at inproc://zeromq.zap.01, as with libzmq. Accepted and refused credentials, the
// request the handler sees, no handler, a mechanism mismatch, replies out of order, and peers
// that break the handshake's order.
import t from "tap"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"
import { RawPeer, rawCommand, rawGreeting } from "../helpers/raw-peer.js"
import type { TestCase } from "../helpers/tap.js"

const ZAP = "inproc://zeromq.zap.01"

interface ZapSeen { domain: string; address: string; mechanism: string; username: string; password: string }

/**
 * A ZAP handler that allows `admin`/`secret` and records every request. With `holdFirst`, it
 * answers the first request only after the second, to check that replies are matched by id.
 */
async function zapHandler(t: TestCase, options: { holdFirst?: boolean } = {}): Promise<ZapSeen[]> {
  const handler = new Router({ linger: 0 })
  t.teardown(() => handler.close())
  await handler.bind(ZAP)
  const seen: ZapSeen[] = []
  let held: Buffer[][] = []
  void (async () => {
    for await (const request of handler) {
      const [, , , , domain, address, , mechanism, username, password] = request.map(String)
      seen.push({ domain: domain!, address: address!, mechanism: mechanism!, username: username!, password: password! })
      if (options.holdFirst && seen.length === 1) { held = [request]; continue }
      for (const r of [request, ...held]) await handler.send(reply(r))
      held = []
    }
  })().catch(() => {})
  return seen
}

function reply([routingId, delimiter, version, requestId, , , , , username, password]: Buffer[]): Buffer[] {
  const ok = String(username) === "admin" && String(password) === "secret"
  return [routingId!, delimiter!, version!, requestId!, Buffer.from(ok ? "200" : "400"), Buffer.from(ok ? "OK" : "denied"), Buffer.from(ok ? "admin" : ""), Buffer.alloc(0)]
}

async function plainPair(t: TestCase, password: string, server: object = {}): Promise<[Pull, Push]> {
  const pull = new Pull({ plainServer: true, ...server })
  const push = new Push({ linger: 0, plainUsername: "admin", plainPassword: password, reconnectInterval: 50 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  return [pull, push]
}

t.test("good credentials: the handshake completes and messages flow; ZAP saw the request", async (t) => {
  const seen = await zapHandler(t)
  const [pull, push] = await plainPair(t, "secret", { zapDomain: "global" })
  const shaken = Promise.all([nextEvent(pull, "handshake"), nextEvent(push, "handshake")])
  push.connect(pull.lastEndpoint!)
  await shaken
  await push.send("over PLAIN")
  t.equal(String(await within(pull.receive(), 3000, "receive")), "over PLAIN")
  t.same(seen, [{ domain: "global", address: "127.0.0.1", mechanism: "PLAIN", username: "admin", password: "secret" }])
})

t.test("bad credentials: both sides report handshake:error:auth with status 400, nothing flows", async (t) => {
  await zapHandler(t)
  const [pull, push] = await plainPair(t, "wrong")
  const serverSide = nextEvent(pull, "handshake:error:auth")
  const clientSide = nextEvent(push, "handshake:error:auth")
  push.connect(pull.lastEndpoint!)
  const [server, client] = await Promise.all([serverSide, clientSide])
  t.match(server.error, { code: "EACCES", status: 400 })
  t.match(client.error, { code: "EACCES", status: 400 })
  t.equal(pull.peerCount, 0, "the server has no peer")
  t.equal((await nextEvent(push, "connect:retry")).type, "connect:retry", "the client tries again later, as libzmq does")
})

t.test("no ZAP handler: a PLAIN server refuses every client (as libzmq) and says why", async (t) => {
  const [pull, push] = await plainPair(t, "secret")
  const serverSide = nextEvent(pull, "handshake:error:auth")
  const clientSide = nextEvent(push, "handshake:error:auth")
  push.connect(pull.lastEndpoint!)
  const [server, client] = await Promise.all([serverSide, clientSide])
  t.match(server.error, { message: "Internal error", status: 500, detail: /ZAP handler/ })
  t.match(client.error, { status: 500 })
})

t.test("a NULL client and a PLAIN server do not talk: mechanism mismatch on both sides", async (t) => {
  await zapHandler(t)
  const pull = new Pull({ plainServer: true })
  const push = new Push({ linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const serverSide = nextEvent(pull, "handshake:error:protocol")
  const clientSide = nextEvent(push, "handshake:error:protocol")
  push.connect(pull.lastEndpoint!)
  const [server, client] = await Promise.all([serverSide, clientSide])
  t.match(server.error, { code: "ERR_ZMTP_MECHANISM_MISMATCH" })
  t.match(client.error, { code: "ERR_ZMTP_MECHANISM_MISMATCH" })
})

t.test("ZAP replies are matched to their requests, whatever their order", async (t) => {
  const seen = await zapHandler(t, { holdFirst: true })
  const pull = new Pull({ plainServer: true })
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const good = new Push({ linger: 0, plainUsername: "admin", plainPassword: "secret" })
  const bad = new Push({ linger: 0, plainUsername: "admin", plainPassword: "wrong", reconnectInterval: 60_000 })
  t.teardown(() => { good.close(); bad.close() })
  const goodShaken = nextEvent(good, "handshake")
  const badRefused = nextEvent(bad, "handshake:error:auth")
  good.connect(pull.lastEndpoint!)
  await within((async () => { while (seen.length === 0) await new Promise((r) => setImmediate(r)) })(), 3000, "first ZAP request")
  bad.connect(pull.lastEndpoint!)
  await Promise.all([goodShaken, badRefused])
  t.same(seen.map((s) => s.password), ["secret", "wrong"], "the good client asked first and was answered last")
})

t.test("a client that sends INITIATE before WELCOME is refused, whatever ZAP says later", async (t) => {
  const seen = await zapHandler(t)
  const pull = new Pull({ plainServer: true })
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const refused = nextEvent(pull, "handshake:error:protocol")
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  const hello = Buffer.concat([Buffer.of(5), Buffer.from("admin"), Buffer.of(6), Buffer.from("secret")])
  peer.send(Buffer.concat([rawGreeting({ mechanism: "PLAIN" }), rawCommand("HELLO", hello), rawCommand("INITIATE", Buffer.alloc(0))]))
  t.match((await refused).error, { code: "ERR_ZMTP_UNEXPECTED_COMMAND" })
  await peer.closed
  t.equal(pull.peerCount, 0, "never became a peer")
  t.equal(seen.length <= 1, true)
})

t.test("a malformed HELLO is a protocol error", async (t) => {
  await zapHandler(t)
  const pull = new Pull({ plainServer: true })
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const refused = nextEvent(pull, "handshake:error:protocol")
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  // The username claims 50 octets; only 5 follow.
  peer.send(Buffer.concat([rawGreeting({ mechanism: "PLAIN" }), rawCommand("HELLO", Buffer.concat([Buffer.of(50), Buffer.from("admin")]))]))
  t.match((await refused).error, { code: "ERR_ZMTP_MALFORMED_COMMAND_HELLO" })
})

t.test("option checks", async (t) => {
  t.throws(() => new Push({ plainUsername: "x".repeat(256) }), { code: "EINVAL" }, "over 255 octets")
  t.throws(() => new Push({ plainPassword: 42 as unknown as string }), TypeError)
  const push = new Push({ plainUsername: "u", plainPassword: "p", zapDomain: "d" })
  t.teardown(() => push.close())
  t.same([push.plainUsername, push.plainPassword, push.zapDomain, push.plainServer], ["u", "p", "d", false])
})
