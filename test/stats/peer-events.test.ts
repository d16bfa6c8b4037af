// Connection events say who the peer is: `remote` (the peer's own address), `local` (ours) and,
// from the handshake on, `peer` { socketType, routingId }; `address` stays the endpoint, as in
// zeromq.js (zeromq.js #485 asks for the peer's address, which is `remote` here). Against our own
// sockets and against libzmq (the `zeromq` package).
import t from "tap"
import * as zmq from "zeromq"
import { Dealer } from "../../lib/socket/dealer.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, until } from "../helpers/events.js"

t.setTimeout(30_000)

const TCP = /^tcp:\/\/127\.0\.0\.1:\d+$/

t.test("tcp: accept, connect, handshake and disconnect carry both ends and the peer", async (t) => {
  //  push (bind) <--- pull (connect)
  const push = new Push()
  const pull = new Pull()
  t.teardown(() => { push.close(); pull.close() })
  await push.bind(uniqAddress("tcp"))
  const endpoint = push.lastEndpoint!
  const accepted = nextEvent(push, "accept")
  const bindShake = nextEvent(push, "handshake")
  const connected = nextEvent(pull, "connect")
  const connectShake = nextEvent(pull, "handshake")
  pull.connect(endpoint)
  const [accept, connect, shakeB, shakeC] = await Promise.all([accepted, connected, bindShake, connectShake]) as Record<string, unknown>[]

  t.equal(accept!.address, endpoint, "address stays the bound endpoint (zeromq.js)")
  t.match(accept!.remote, TCP)
  t.not(accept!.remote, endpoint, "remote is the peer's own port")
  t.equal(accept!.local, endpoint, "local is our end: the bound address")
  t.equal(connect!.address, endpoint)
  t.equal(connect!.remote, endpoint, "the connecting side's remote is the bound endpoint")
  t.equal(connect!.local, accept!.remote, "each side's local is the other side's remote")

  t.same(shakeB!.peer, { socketType: "PULL", routingId: undefined })
  t.equal(shakeB!.remote, accept!.remote)
  t.same(shakeC!.peer, { socketType: "PUSH", routingId: undefined })
  t.equal(shakeC!.local, connect!.local)

  const gone = nextEvent(push, "disconnect")
  pull.close()
  const disconnect = await gone as Record<string, unknown>
  t.equal(disconnect.address, endpoint)
  t.equal(disconnect.remote, accept!.remote, "disconnect says which peer left")
  t.same(disconnect.peer, { socketType: "PULL", routingId: undefined })
})

t.test("ipc: the bound side's local is the path; peers are typed", async (t) => {
  const push = new Push()
  const pull = new Pull()
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("ipc"))
  const endpoint = pull.lastEndpoint!
  const accepted = nextEvent(pull, "accept")
  const shaken = nextEvent(pull, "handshake")
  push.connect(endpoint)
  const [accept, shake] = await Promise.all([accepted, shaken]) as Record<string, unknown>[]
  t.equal(accept!.local, endpoint)
  t.same(shake!.peer, { socketType: "PUSH", routingId: undefined })
  t.equal(pull.stats().peers[0]!.local, endpoint)
})

t.test("libzmq Dealer with a routing id -> our Router: events and stats name it", async (t) => {
  const router = new Router()
  const dealer = new zmq.Dealer({ routingId: "zmq-dealer" })
  t.teardown(() => { router.close(); dealer.close() })
  await router.bind(uniqAddress("tcp"))
  const shaken = nextEvent(router, "handshake")
  dealer.connect(router.lastEndpoint!)
  const shake = await shaken as Record<string, unknown>
  const peer = shake.peer as { socketType: string; routingId: Buffer }
  t.equal(peer.socketType, "DEALER")
  t.equal(String(peer.routingId), "zmq-dealer")
  t.match(shake.remote, TCP)

  await dealer.send("hello")
  await until(() => router.stats().peers[0]?.received === 1, 5000, "the message arrived")
  const stats = router.stats()
  t.equal(stats.peers[0]!.socketType, "DEALER")
  t.equal(String(stats.peers[0]!.routingId), "zmq-dealer")
  t.equal(stats.peers[0]!.address, shake.remote, "stats and events agree on the peer's address")
  t.equal(stats.peers[0]!.local, router.lastEndpoint)
})

t.test("our Dealer -> libzmq Router: the connecting side learns the peer's type and both ends", async (t) => {
  const router = new zmq.Router()
  const dealer = new Dealer({ routingId: "ours" })
  t.teardown(() => { router.close(); dealer.close() })
  await router.bind("tcp://127.0.0.1:*")
  const endpoint = router.lastEndpoint!
  const shaken = nextEvent(dealer, "handshake")
  dealer.connect(endpoint)
  const shake = await shaken as Record<string, unknown>
  t.same(shake.peer, { socketType: "ROUTER", routingId: undefined })
  t.equal(shake.remote, endpoint)
  t.match(shake.local, TCP)
  await dealer.send("ping")
  const [id] = await router.receive()
  t.equal(String(id), "ours")
  const peer = dealer.stats().peers[0]!
  t.match(peer, { socketType: "ROUTER", address: endpoint, local: shake.local, connected: true, sent: 1 })
})
