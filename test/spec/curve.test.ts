// CURVE (RFC 26) between brokerless sockets: Z85 keys, encrypted traffic in both directions
// (multipart, large frames, pub/sub subscriptions and heartbeats travel boxed too), ZAP seeing
// client keys, refusals, a wrong server key, and option checks.
import t from "tap"
import { Publisher } from "../../lib/socket/publisher.js"
import { Pair } from "../../lib/socket/pair.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { curveKeyPair } from "../../lib/security/keys.js"
import { z85Decode, z85Encode } from "../../lib/security/z85.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { SniffingRelay } from "../helpers/raw-peer.js"
import type { PrefixTrie } from "../../lib/pattern/prefix-trie.js"
import type { Pipe } from "../../lib/pipe/pipe.js"
import type { TestCase } from "../helpers/tap.js"

const server = curveKeyPair()
const client = curveKeyPair()
const serverOptions = { curveServer: true, curveSecretKey: server.secretKey }
const clientOptions = { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey }

/** Subscribers of a brokerless publisher whose subscriptions match `topic` (observable state). */
function subscribers(pub: Publisher, topic: string): number {
  const table = (pub as unknown as { table: { active: PrefixTrie<Pipe> } }).table
  return table.active.match(Buffer.from(topic), new Set()).size
}

async function connected<A extends Pull | Pair | Subscriber, B extends Push | Pair | Publisher>(t: TestCase, bound: A, connecting: B): Promise<void> {
  t.teardown(() => { connecting.close(); bound.close() })
  await bound.bind(uniqAddress("tcp"))
  const both = Promise.all([nextEvent(bound, "handshake"), nextEvent(connecting, "handshake")])
  connecting.connect(bound.lastEndpoint!)
  await both
}

t.test("Z85: the RFC 32 test vector, round trips, and bad input", async (t) => {
  const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])
  t.equal(z85Encode(bytes), "HelloWorld")
  t.same(z85Decode("HelloWorld"), bytes)
  t.same(z85Decode(server.publicKey).length, 32)
  t.throws(() => z85Decode("Hello".replace("o", "~")), { code: "EINVAL" }, "a character outside the alphabet")
  t.throws(() => z85Decode("abcd"), { code: "EINVAL" }, "not a multiple of 5")
  t.throws(() => z85Encode(Buffer.alloc(3)), { code: "EINVAL" })
})

t.test("messages, multipart and large, arrive intact in both directions", async (t) => {
  const a = new Pair({ ...serverOptions })
  const b = new Pair({ ...clientOptions, linger: 0 })
  await connected(t, a, b)
  const big = Buffer.alloc(1 << 20)
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff
  await b.send(["multi", "part", Buffer.alloc(0)])
  await b.send(big)
  t.same((await within(a.receive(), 3000, "multipart")).map(String), ["multi", "part", ""])
  t.ok((await within(a.receive(), 3000, "1 MiB"))[0]!.equals(big), "1 MiB intact")
  for (let i = 0; i < 1000; i++) await a.send(String(i))
  const got: string[] = []
  for (let i = 0; i < 1000; i++) got.push(String(await within(b.receive(), 3000, `reply ${i}`)))
  t.same(got, Array.from({ length: 1000 }, (_, i) => String(i)), "1000 in order from the server side")
})

t.test("subscriptions and heartbeats travel boxed too", async (t) => {
  //  Publisher --tcp--> SniffingRelay (counts boxed MESSAGE commands) --tcp--> Subscriber (bound)
  const pub = new Publisher({ ...clientOptions, linger: 0, heartbeatInterval: 20, heartbeatTimeout: 200 })
  const sub = new Subscriber({ ...serverOptions, heartbeatInterval: 20, heartbeatTimeout: 200 })
  t.teardown(() => { pub.close(); sub.close() })
  await sub.bind(uniqAddress("tcp"))
  const relay = await SniffingRelay.start(sub.lastEndpoint!)
  t.teardown(() => relay.close())
  const both = Promise.all([nextEvent(sub, "handshake"), nextEvent(pub, "handshake")])
  pub.connect(relay.endpoint)
  await both
  let dropped = false
  pub.events.on("disconnect", () => { dropped = true })
  sub.subscribe("yes")
  // After the handshake only boxed frames flow (a data frame whose body starts "\x07MESSAGE"):
  // here PINGs and PONGs every 20 ms each way. 30 each way is three 200 ms timeouts: a heartbeat
  // that could not be unboxed and answered would have dropped the connection by then.
  const boxed = (direction: "up" | "down") => relay.frames[direction].filter((f) => f.body.subarray(0, 8).toString("latin1") === "\x07MESSAGE").length
  await relay.waitFor(() => boxed("up") >= 30 && boxed("down") >= 30, 8000, "30 boxed frames each way")
  t.equal(dropped, false, "no heartbeat timeout")
  await until(() => subscribers(pub, "yes") === 1, 3000, "the boxed SUBSCRIBE at the publisher")
  await pub.send(["no", "filtered out"])
  await pub.send(["yes", "kept"])
  t.same((await within(sub.receive(), 3000, "subscribed topic")).map(String), ["yes", "kept"], "only the subscribed topic arrives")
})

t.test("a wrong server key: the server refuses (cryptographic error), nothing is delivered", async (t) => {
  const pull = new Pull({ ...serverOptions })
  const push = new Push({ ...clientOptions, curveServerKey: client.publicKey, linger: 0, reconnectInterval: 60_000 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const refused = nextEvent(pull, "handshake:error:protocol")
  push.connect(pull.lastEndpoint!)
  t.match((await refused).error, { code: "ERR_ZMTP_CRYPTOGRAPHIC" })
  t.equal(pull.peerCount, 0)
})

t.test("ZAP sees the client's public key and can refuse it", async (t) => {
  const handler = new Router({ linger: 0 })
  t.teardown(() => handler.close())
  await handler.bind("inproc://zeromq.zap.01")
  const seen: { mechanism: string; key: Buffer }[] = []
  void (async () => {
    for await (const [id, empty, version, requestId, , , , mechanism, key] of handler) {
      seen.push({ mechanism: String(mechanism), key: key! })
      const allowed = key!.equals(z85Decode(client.publicKey))
      await handler.send([id!, empty!, version!, requestId!, allowed ? "200" : "400", allowed ? "OK" : "unknown key", "", ""])
    }
  })().catch(() => {})
  const pull = new Pull({ ...serverOptions })
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))

  const known = new Push({ ...clientOptions, linger: 0 })
  t.teardown(() => known.close())
  const shaken = nextEvent(known, "handshake")
  known.connect(pull.lastEndpoint!)
  await shaken
  await known.send("let in")
  t.equal(String(await within(pull.receive(), 3000, "receive")), "let in")

  const stranger = curveKeyPair()
  const unknown = new Push({ curveServerKey: server.publicKey, curveSecretKey: stranger.secretKey, linger: 0, reconnectInterval: 60_000 })
  t.teardown(() => unknown.close())
  const serverSide = nextEvent(pull, "handshake:error:auth")
  const clientSide = nextEvent(unknown, "handshake:error:auth")
  unknown.connect(pull.lastEndpoint!)
  const [server400, client400] = await Promise.all([serverSide, clientSide])
  t.match(server400.error, { code: "EACCES", status: 400 })
  t.match(client400.error, { status: 400 })
  t.same(seen.map((s) => s.mechanism), ["CURVE", "CURVE"])
  t.ok(seen[1]!.key.equals(z85Decode(stranger.publicKey)), "the key ZAP saw is the stranger's")
})

t.test("without a ZAP handler any client that knows the server key gets in, even without keys of its own", async (t) => {
  const pull = new Pull({ ...serverOptions })
  const push = new Push({ curveServerKey: server.publicKey, linger: 0 })
  await connected(t, pull, push)
  await push.send("anonymous")
  t.equal(String(await within(pull.receive(), 3000, "receive")), "anonymous")
})

t.test("a NULL peer and a CURVE server do not talk", async (t) => {
  const pull = new Pull({ ...serverOptions })
  const push = new Push({ linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const mismatch = nextEvent(pull, "handshake:error:protocol")
  push.connect(pull.lastEndpoint!)
  t.match((await mismatch).error, { code: "ERR_ZMTP_MECHANISM_MISMATCH" })
})

t.test("option checks", async (t) => {
  t.throws(() => new Push({ curveServerKey: server.publicKey.slice(1) }), { code: "EINVAL" }, "39 characters")
  t.throws(() => new Push({ curveServerKey: `${server.publicKey.slice(1)}~` }), { code: "EINVAL" }, "not Z85")
  t.doesNotThrow(() => new Push({ curveServerKey: z85Decode(server.publicKey) as unknown as string }).close(), "32 raw octets")
  const lonely = new Pull({ curveServer: true })
  t.teardown(() => lonely.close())
  await t.rejects(lonely.bind(uniqAddress("tcp")), { code: "EINVAL" }, "a CURVE server needs its secret key")
})
