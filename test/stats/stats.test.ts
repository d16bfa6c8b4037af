// socket.stats() over real connections: message and byte counters on both sides, per-peer queue
// depths and identities, drops by reason, connection and reconnect counters.
import t from "tap"
import { Publisher } from "../../lib/socket/publisher.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { Dealer } from "../../lib/socket/dealer.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { freeAddress, uniqAddress } from "../helpers/address.js"
import { events, nextEvent, until, within } from "../helpers/events.js"
import { connectTo, marry } from "../helpers/marry.js"

t.setTimeout(30_000)

for (const transport of ["tcp", "ipc"] as const) {
  t.test(`${transport}: messages, bytes, queue depths and peers on both sides`, async (t) => {
    //  push (bind) ---> pull (connect)
    const push = new Push()
    const pull = new Pull()
    t.teardown(() => { push.close(); pull.close() })
    const before = Date.now()
    const endpoint = await marry(push, pull, transport)
    t.same(push.stats().connections, { current: 1, total: 1, failed: 0 })
    t.same(pull.stats().connections, { current: 1, total: 1, failed: 0 })

    for (let i = 0; i < 5; i++) await push.send(["abc", "defg"]) // 7 bytes each
    await until(() => pull.stats().peers[0]?.inbound === 5, 5000, "5 messages queued at the pull side")
    const queued = pull.stats()
    t.equal(queued.received.messages, 0, "nothing handed to the application yet")
    t.equal(queued.peers[0]!.received, 5, "the peer's connection brought 5")

    for (let i = 0; i < 5; i++) await within(pull.receive(), 5000, "receive")
    const sent = push.stats()
    const received = pull.stats()
    t.same(sent.sent, { messages: 5, bytes: 35 })
    t.same(received.received, { messages: 5, bytes: 35 })
    t.same(received.sent, { messages: 0, bytes: 0 })
    t.same(sent.dropped, { hwm: 0, noRoute: 0, filtered: 0, tooLarge: 0 })

    t.equal(sent.peers.length, 1)
    const toPull = sent.peers[0]!
    t.equal(toPull.endpoint, endpoint, "the bound endpoint")
    t.equal(toPull.socketType, "PULL")
    t.equal(toPull.connected, true)
    t.equal(toPull.outbound, 0)
    t.equal(toPull.sent, 5)
    t.ok(toPull.lastActivity >= before && toPull.lastActivity <= Date.now(), "last activity is a recent Date.now()")
    if (transport === "tcp") {
      t.match(toPull.address, /^tcp:\/\/127\.0\.0\.1:\d+$/)
      t.not(toPull.address, endpoint, "the peer's own address, not the bound one")
    }
    const toPush = received.peers[0]!
    t.equal(toPush.socketType, "PUSH")
    t.equal(toPush.inbound, 0)
    t.equal(toPush.endpoint, endpoint)
    t.equal(JSON.parse(JSON.stringify(sent)).sent.messages, 5, "a plain object: JSON round-trips")
  })
}

t.test("a connect-side peer that is not connected: queued messages, reconnects and failed dials", async (t) => {
  const push = new Push({ reconnectInterval: 10, linger: 0 })
  t.teardown(() => push.close())
  const address = await freeAddress("tcp")
  const retries = events(push, "connect:retry", 3)
  push.connect(address)
  await push.send("waits in the queue")
  await retries
  const stats = push.stats()
  t.ok(stats.reconnects >= 3, `reconnects ${stats.reconnects}`)
  t.ok(stats.connections.failed >= 3, `failed ${stats.connections.failed}`)
  t.same(stats.connections, { current: 0, total: 0, failed: stats.connections.failed })
  t.equal(stats.peers.length, 1)
  t.match(stats.peers[0], { endpoint: address, connected: false, outbound: 1, address: undefined, socketType: undefined })
})

t.test("Publisher: hwm drops per full subscriber, filtered when nobody subscribed", async (t) => {
  //  pub (bind, sendHWM 2) ---> sub (receiveHWM 2)    inproc: no kernel buffer in between
  const pub = new Publisher({ sendHighWaterMark: 2 })
  const sub = new Subscriber({ receiveHighWaterMark: 2, receiveTimeout: 0 })
  t.teardown(() => { pub.close(); sub.close() })
  await pub.send("nobody listens")
  t.same(pub.stats().dropped, { hwm: 0, noRoute: 0, filtered: 1, tooLarge: 0 }, "no subscriber: filtered")
  sub.subscribe("a")
  await marry(pub, sub, "inproc")
  await until(() => subscribed(pub), 5000, "the subscription arrived")
  await until(() => pub.stats().peers[0]!.outbound === 0, 5000, "probes flushed")
  while (sub.readable) await sub.receive() // the probes
  const base = pub.stats()
  await pub.send("b: not wanted")
  t.equal(pub.stats().dropped.filtered, base.dropped.filtered + 1, "a topic nobody wants is filtered")
  // One synchronous burst: the inproc flush runs on a later tick, so the pipe takes 2, drops 8.
  const sends: Promise<void>[] = []
  for (let i = 0; i < 10; i++) sends.push(pub.send(`a${i}`))
  await Promise.all(sends)
  const stats = pub.stats()
  t.equal(stats.dropped.hwm - base.dropped.hwm, 8, "8 of 10 dropped at the high-water mark")
  t.equal(stats.dropped.filtered, base.dropped.filtered + 1, "matched messages are not filtered")
  t.equal(stats.sent.messages - base.sent.messages, 11, "sent counts what send() accepted")
})

/** The publisher has seen a subscription to `topic` (probe: a send that is not filtered). */
function subscribed(pub: Publisher, topic = "a"): boolean {
  const before = pub.stats().dropped.filtered
  void pub.send(`${topic} probe`)
  return pub.stats().dropped.filtered === before
}

t.test("Router: noRoute for an unknown routing id; the peer's routing id in stats", async (t) => {
  const router = new Router()
  const dealer = new Dealer({ routingId: "worker-1" })
  t.teardown(() => { router.close(); dealer.close() })
  await marry(router, dealer, "tcp")
  await router.send(["nobody", "lost"])
  const stats = router.stats()
  t.equal(stats.dropped.noRoute, 1)
  t.equal(String(stats.peers[0]!.routingId), "worker-1")
  t.equal(stats.peers[0]!.socketType, "DEALER")
})

t.test("Subscriber: filtered counts messages its own filter drops", async (t) => {
  // The publisher sends "x1" to a subscriber of "x"; that subscriber inverts matching on its own
  // side only, so its local filter drops exactly that message.
  const pub = new Publisher()
  const sub = new Subscriber({ invertMatching: true })
  t.teardown(() => { pub.close(); sub.close() })
  sub.subscribe("x")
  await marry(pub, sub, "tcp")
  await until(() => subscribed(pub, "x"), 5000, "the subscription arrived")
  await pub.send("x1")
  await until(() => sub.stats().peers[0]!.received >= 2, 5000, "probe and x1 arrived")
  const receiving = sub.receive().catch(() => undefined)
  await until(() => sub.stats().dropped.filtered === sub.stats().peers[0]!.received, 5000, "all filtered")
  t.equal(sub.stats().received.messages, 0, "none reached the application")
  sub.close()
  await receiving
})

t.test("tooLarge: a message over maxMessageSize closes that connection and is counted", async (t) => {
  const pull = new Pull({ maxMessageSize: 200 }) // room for the READY command (the limit applies to it too)
  const push = new Push()
  t.teardown(() => { push.close(); pull.close() })
  await marry(pull, push, "tcp")
  const gone = nextEvent(pull, "disconnect")
  await push.send(Buffer.alloc(1000))
  await gone
  const stats = pull.stats()
  t.equal(stats.dropped.tooLarge, 1)
  t.equal(stats.connections.current, 0)
})
