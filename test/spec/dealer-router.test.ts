// RFC 28 (REQREP) behaviour of Dealer and Router, over every transport, plus the libzmq router
// options (mandatory, handover, probeRouter, routing ids). Titles quote the RFC where it speaks.
import t, { type Test } from "tap"
import { Dealer } from "../../lib/socket/dealer.js"
import { Router } from "../../lib/socket/router.js"
import { TRANSPORTS, uniqAddress } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { connectTo, marry } from "../helpers/marry.js"

const str = (frames: Buffer[]) => frames.map(String)
type Inbound = { pipes: Set<{ inbound: { length: number } }> }
const queued = (socket: unknown) => [...(socket as Inbound).pipes].reduce((n, p) => n + p.inbound.length, 0)
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Sends 64 KiB messages to `id` (sendTimeout 0) until one fails with EAGAIN; returns how many were queued. */
async function fillUntilEagain(t: Test, router: Router, id: string): Promise<number> {
  const big = Buffer.alloc(64 * 1024)
  for (let sent = 0; sent < 10_000; sent++) {
    try {
      await router.send([id, big])
    } catch (error) {
      t.equal((error as { code?: string }).code, "EAGAIN", `EAGAIN after ${sent} queued`)
      return sent
    }
    await turn() // let the engine move what it can, so only a real high-water mark stops us
  }
  throw new Error("never reached the high-water mark")
}

for (const transport of TRANSPORTS) {
  t.test(`${transport}`, async (t) => {
    t.test("DEALER: SHALL route outgoing messages to available peers using a round-robin strategy", async (t) => {
      //  dealer --+--> router0
      //           +--> router1
      //           +--> router2
      const dealer = new Dealer()
      t.teardown(() => dealer.close())
      const routers = [new Router(), new Router(), new Router()]
      for (const router of routers) {
        t.teardown(() => router.close())
        await router.bind(uniqAddress(transport))
        await connectTo(router, dealer, router.lastEndpoint!)
      }
      for (let i = 0; i < 6; i++) await dealer.send(`m${i}`)
      const got = await within(Promise.all(routers.map(async (router) => {
        const first = await router.receive()
        const second = await router.receive()
        return [String(first[1]), String(second[1])]
      })), 5000, "receive")
      t.same(got.flat().sort(), ["m0", "m1", "m2", "m3", "m4", "m5"])
      const offsets = got.map(([a, b]) => Number(b!.slice(1)) - Number(a!.slice(1)))
      t.same(offsets, [3, 3, 3], "each peer gets every third message")
    })

    t.test("DEALER: SHALL receive incoming messages from its peers using a fair-queuing strategy", async (t) => {
      const dealer = new Dealer()
      t.teardown(() => dealer.close())
      await dealer.bind(uniqAddress(transport))
      const peers = [new Dealer(), new Dealer(), new Dealer()]
      for (const [i, peer] of peers.entries()) {
        t.teardown(() => peer.close())
        await connectTo(dealer, peer, dealer.lastEndpoint!)
        await peer.send(`p${i}-a`)
        await peer.send(`p${i}-b`)
      }
      await until(() => queued(dealer) === 6, 5000, "all queued")
      const got: string[] = []
      for (let i = 0; i < 6; i++) got.push(String(await within(dealer.receive(), 5000, "receive")))
      t.same(got.slice(0, 3).map((m) => m.slice(0, 2)).sort(), ["p0", "p1", "p2"], "one from each peer first")
      for (let i = 0; i < 3; i++) t.ok(got.indexOf(`p${i}-a`) < got.indexOf(`p${i}-b`), `peer ${i} order kept`)
    })

    t.test("DEALER: SHALL block on sending, or return a suitable error, when it has no available peers", async (t) => {
      const dealer = new Dealer({ sendTimeout: 0 })
      t.teardown(() => dealer.close())
      await t.rejects(dealer.send("x"), { code: "EAGAIN" })
    })

    t.test("ROUTER: SHALL prepend a message part containing the routing id of the originating peer before passing the message to its calling application", async (t) => {
      const router = new Router()
      const dealer = new Dealer({ routingId: "alice" })
      t.teardown(() => { dealer.close(); router.close() })
      await marry(router, dealer, transport)
      await dealer.send(["a", "", "b"])
      t.same(str(await within(router.receive(), 5000, "receive")), ["alice", "a", "", "b"])
    })

    t.test("ROUTER: SHALL receive incoming messages from its peers using a fair-queuing strategy", async (t) => {
      const router = new Router()
      t.teardown(() => router.close())
      await router.bind(uniqAddress(transport))
      const dealers = ["d0", "d1", "d2"].map((routingId) => new Dealer({ routingId }))
      for (const dealer of dealers) {
        t.teardown(() => dealer.close())
        await connectTo(router, dealer, router.lastEndpoint!)
        await dealer.send("a")
        await dealer.send("b")
      }
      await until(() => queued(router) === 6, 5000, "all queued")
      const got: string[] = []
      for (let i = 0; i < 6; i++) got.push(str(await within(router.receive(), 5000, "receive")).join(":"))
      t.same(got.slice(0, 3).sort(), ["d0:a", "d1:a", "d2:a"], "one from each peer first")
      t.same(got.slice(3).sort(), ["d0:b", "d1:b", "d2:b"])
    })

    t.test("ROUTER: SHALL use the first frame as the routing id to select the peer, and SHALL remove it before sending", async (t) => {
      const router = new Router()
      t.teardown(() => router.close())
      await router.bind(uniqAddress(transport))
      const a = new Dealer({ routingId: "a" })
      const b = new Dealer({ routingId: "b" })
      t.teardown(() => { a.close(); b.close() })
      await connectTo(router, a, router.lastEndpoint!)
      await connectTo(router, b, router.lastEndpoint!)
      await router.send(["b", "for", "b"])
      await router.send(["a", "for a"])
      t.same(str(await within(a.receive(), 5000, "a")), ["for a"])
      t.same(str(await within(b.receive(), 5000, "b")), ["for", "b"])
    })

    t.test("ROUTER: SHALL silently discard a message whose routing id is unknown", async (t) => {
      const router = new Router()
      const dealer = new Dealer({ routingId: "known" })
      t.teardown(() => { dealer.close(); router.close() })
      await marry(router, dealer, transport)
      await within(router.send(["unknown", "lost"]), 1000, "send resolves")
      await router.send(["known", "kept"])
      t.same(str(await within(dealer.receive(), 5000, "receive")), ["kept"], "nothing else arrived first")
    })

    t.test("ROUTER mandatory: an unknown routing id rejects with EHOSTUNREACH at once, also with zero peers", async (t) => {
      const router = new Router({ mandatory: true })
      t.teardown(() => router.close())
      await t.rejects(router.send(["nobody", "x"]), { code: "EHOSTUNREACH" }, "zero peers")
      const dealer = new Dealer({ routingId: "d" })
      t.teardown(() => dealer.close())
      await marry(router, dealer, transport)
      await t.rejects(router.send(["nobody", "x"]), { code: "EHOSTUNREACH" }, "with a peer")
      await router.send(["d", "ok"])
      t.same(str(await within(dealer.receive(), 5000, "receive")), ["ok"])
    })

    t.test("ROUTER mandatory: a known peer at its high-water mark makes send wait (EAGAIN without a timeout)", async (t) => {
      const router = new Router({ mandatory: true, sendHighWaterMark: 1, sendTimeout: 0 })
      const dealer = new Dealer({ routingId: "slow", receiveHighWaterMark: 1 })
      t.teardown(() => { dealer.close(); router.close() })
      await marry(router, dealer, transport)
      const sent = await fillUntilEagain(t, router, "slow")
      router.sendTimeout = -1
      let settled = false
      const waiting = router.send(["slow", "last"]).finally(() => { settled = true })
      await turn()
      t.notOk(settled, "the send waits while the peer is full")
      let received = 0
      while (!settled || received <= sent) {
        const frames = await within(dealer.receive(), 5000, "drain")
        received++
        if (String(frames[0]) === "last") break
      }
      await within(waiting, 5000, "waiting send")
      t.equal(received, sent + 1, "every message arrived, the waiting one last")
    })

    t.test("ROUTER mandatory: a send waiting for a peer that disconnects rejects with EHOSTUNREACH", async (t) => {
      const router = new Router({ mandatory: true, sendHighWaterMark: 1, sendTimeout: 0 })
      const dealer = new Dealer({ routingId: "gone", receiveHighWaterMark: 1 })
      t.teardown(() => router.close())
      await marry(router, dealer, transport)
      await fillUntilEagain(t, router, "gone")
      router.sendTimeout = -1
      const waiting = router.send(["gone", "never"])
      dealer.close()
      await t.rejects(within(waiting, 5000, "waiting send"), { code: "EHOSTUNREACH" })
    })

    t.test("ROUTER: a peer with a routing id already in use is refused (no handover)", async (t) => {
      const router = new Router()
      const first = new Dealer({ routingId: "dup" })
      const second = new Dealer({ routingId: "dup" })
      t.teardown(() => { first.close(); second.close(); router.close() })
      await marry(router, first, transport)
      const refused = nextEvent(router, "disconnect")
      second.connect(router.lastEndpoint!)
      await refused
      await router.send(["dup", "to first"])
      t.same(str(await within(first.receive(), 5000, "first")), ["to first"])
      await first.send("from first")
      t.same(str(await within(router.receive(), 5000, "router")), ["dup", "from first"])
    })

    t.test("ROUTER handover: a new peer takes over a routing id in use and the old connection is closed", async (t) => {
      const router = new Router({ handover: true })
      const first = new Dealer({ routingId: "dup" })
      const second = new Dealer({ routingId: "dup" })
      t.teardown(() => { first.close(); second.close(); router.close() })
      await marry(router, first, transport)
      const oldClosed = nextEvent(router, "disconnect")
      await connectTo(router, second, router.lastEndpoint!)
      await oldClosed
      await router.send(["dup", "to second"])
      t.same(str(await within(second.receive(), 5000, "second")), ["to second"])
      await second.send("from second")
      t.same(str(await within(router.receive(), 5000, "router")), ["dup", "from second"])
    })

    t.test("DEALER probeRouter: SHALL send an empty message to every new peer", async (t) => {
      const router = new Router()
      const dealer = new Dealer({ routingId: "probe", probeRouter: true })
      t.teardown(() => { dealer.close(); router.close() })
      await marry(router, dealer, transport)
      t.same(str(await within(router.receive(), 5000, "probe")), ["probe", ""])
    })

    t.test("ROUTER probeRouter: a connecting router announces itself with an empty message", async (t) => {
      const server = new Router()
      const client = new Router({ routingId: "client", probeRouter: true })
      t.teardown(() => { client.close(); server.close() })
      await marry(server, client, transport)
      const [id, probe] = await within(server.receive(), 5000, "probe")
      t.equal(String(id), "client")
      t.equal(probe!.length, 0)
      await server.send([id!, "hello"])
      t.same((await within(client.receive(), 5000, "reply")).slice(1).map(String), ["hello"])
    })

    t.test("ROUTER: connect option routingId names the peer, usable before the connection is up", async (t) => {
      const dealer = new Dealer()
      const router = new Router()
      t.teardown(() => { router.close(); dealer.close() })
      await dealer.bind(uniqAddress(transport))
      const handshakes = Promise.all([nextEvent(router, "handshake"), nextEvent(dealer, "handshake")])
      router.connect(dealer.lastEndpoint!, { routingId: "server" })
      await router.send(["server", "early"]) // queued on the pipe created at connect time
      await handshakes
      t.same(str(await within(dealer.receive(), 5000, "receive")), ["early"])
      await dealer.send("back")
      t.same(str(await within(router.receive(), 5000, "receive")), ["server", "back"])
      t.throws(() => router.connect(dealer.lastEndpoint!, { routingId: "server" }), { code: "EINVAL" }, "id in use")
    })

    t.test("ROUTER to ROUTER with explicit routing ids on both sides", async (t) => {
      const server = new Router({ routingId: "server-self" })
      const client = new Router({ routingId: "client" })
      t.teardown(() => { client.close(); server.close() })
      await server.bind(uniqAddress(transport))
      await connectTo(server, client, server.lastEndpoint!, 5000, { routingId: "server" })
      await client.send(["server", "hello", "world"])
      t.same(str(await within(server.receive(), 5000, "server")), ["client", "hello", "world"])
      await server.send(["client", "hi"])
      t.same(str(await within(client.receive(), 5000, "client")), ["server", "hi"])
    })

    t.test("ROUTER: peers without an Identity get generated ids: 5 octets, 0x00 then a counter", async (t) => {
      const router = new Router()
      t.teardown(() => router.close())
      await router.bind(uniqAddress(transport))
      const ids: Buffer[] = []
      for (let i = 0; i < 2; i++) {
        const dealer = new Dealer()
        t.teardown(() => dealer.close())
        await connectTo(router, dealer, router.lastEndpoint!)
        await dealer.send("hi")
        ids.push((await within(router.receive(), 5000, "receive"))[0]!)
      }
      for (const id of ids) {
        t.equal(id.length, 5)
        t.equal(id[0], 0)
      }
      t.equal((ids[1]!.readUInt32BE(1) - ids[0]!.readUInt32BE(1)) >>> 0, 1, "consecutive counter values")
    })

    t.test("ROUTER codec: the routing id stays a frame, the payload is encoded", async (t) => {
      const router = new Router({ codec: "msgpack" })
      const dealer = new Dealer({ routingId: "c", codec: "msgpack" })
      t.teardown(() => { dealer.close(); router.close() })
      await marry(router, dealer, transport)
      await dealer.send({ n: 1 } as never)
      const [id, value] = (await within(router.receive(), 5000, "receive")) as unknown as [Buffer, unknown]
      t.equal(String(id), "c")
      t.same(value, { n: 1 })
      await router.send([id, { n: 2 }] as never)
      t.same(await within(dealer.receive(), 5000, "reply"), { n: 2 })
    })
  })
}
