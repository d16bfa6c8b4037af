// RFC 28 (REQREP) behaviour of Request and Reply, over every transport. Each test is titled
// with the RFC sentence it proves; EFSM cases follow libzmq req.cpp / rep.cpp.
import t from "tap"
import { Dealer } from "../../lib/socket/dealer.js"
import { Reply } from "../../lib/socket/reply.js"
import { Request } from "../../lib/socket/request.js"
import { Router } from "../../lib/socket/router.js"
import { TRANSPORTS, uniqAddress } from "../helpers/address.js"
import { until, within } from "../helpers/events.js"
import { connectTo, marry } from "../helpers/marry.js"

const str = (frames: Buffer[]) => frames.map(String)
type Inbound = { pipes: Set<{ inbound: { length: number } }> }
const queued = (socket: unknown) => [...(socket as Inbound).pipes].reduce((n, p) => n + p.inbound.length, 0)

/** Answers every request with [prefix, ...request] until the socket closes. */
async function echo(rep: Reply, prefix: string): Promise<void> {
  try {
    for await (const request of rep) await rep.send([prefix, ...request])
  } catch { /* closed */ }
}

for (const transport of TRANSPORTS) {
  t.test(`${transport}`, async (t) => {
    t.test("REQ: SHALL route outgoing messages to connected peers using a round-robin strategy", async (t) => {
      //  req --+--> rep0
      //        +--> rep1
      //        +--> rep2
      const req = new Request()
      t.teardown(() => req.close())
      const reps = [new Reply(), new Reply(), new Reply()]
      for (const [i, rep] of reps.entries()) {
        t.teardown(() => rep.close())
        await rep.bind(uniqAddress(transport))
        await connectTo(rep, req, rep.lastEndpoint!)
        void echo(rep, `rep${i}`)
      }
      const answeredBy: string[] = []
      for (let i = 0; i < 6; i++) {
        await req.send(`q${i}`)
        const [who, body] = str(await within(req.receive(), 5000, "reply"))
        t.equal(body, `q${i}`)
        answeredBy.push(who!)
      }
      t.same(answeredBy.slice(3), answeredBy.slice(0, 3), "the same rotation repeats")
      t.same([...answeredBy.slice(0, 3)].sort(), ["rep0", "rep1", "rep2"], "each peer in turn")
    })

    t.test("REQ: SHALL prefix the outgoing message with an empty delimiter frame", async (t) => {
      const router = new Router()
      const req = new Request({ routingId: "req" })
      t.teardown(() => { req.close(); router.close() })
      await marry(router, req, transport)
      await req.send(["a", "b"])
      t.same(str(await within(router.receive(), 5000, "receive")), ["req", "", "a", "b"])
    })

    t.test("REQ: SHALL strip the delimiter frame and deliver the remaining frames of a reply", async (t) => {
      const router = new Router()
      const req = new Request({ routingId: "req" })
      t.teardown(() => { req.close(); router.close() })
      await marry(router, req, transport)
      await req.send("q")
      await within(router.receive(), 5000, "request")
      await router.send(["req", "", "x", "", "y"])
      t.same(str(await within(req.receive(), 5000, "reply")), ["x", "", "y"])
    })

    t.test("REQ: SHALL discard silently replies that do not start with a delimiter", async (t) => {
      const router = new Router()
      const req = new Request({ routingId: "req" })
      t.teardown(() => { req.close(); router.close() })
      await marry(router, req, transport)
      await req.send("q")
      await within(router.receive(), 5000, "request")
      await router.send(["req", "no delimiter"])
      await router.send(["req", ""]) // a delimiter with no body is malformed too
      await router.send(["req", "", "good"])
      t.same(str(await within(req.receive(), 5000, "reply")), ["good"])
    })

    t.test("REQ: SHALL accept an incoming message only from the last peer that it sent a request to, and SHALL discard silently any messages received from other peers", async (t) => {
      //  req --> router1 (asked)     router2 (not asked, replies anyway)
      const req = new Request({ routingId: "req" })
      const asked = new Router()
      const other = new Router()
      t.teardown(() => { req.close(); asked.close(); other.close() })
      await asked.bind(uniqAddress(transport))
      await connectTo(asked, req, asked.lastEndpoint!)
      await other.bind(uniqAddress(transport))
      await connectTo(other, req, other.lastEndpoint!)
      await req.send("q")
      const request = await within(asked.receive(), 5000, "request")
      await other.send(["req", "", "impostor"])
      await until(() => queued(req) === 1, 5000, "impostor reply queued at the REQ")
      await asked.send([...request.slice(0, 2), "genuine"])
      t.same(str(await within(req.receive(), 5000, "reply")), ["genuine"])
    })

    t.test("REQ: SHALL block on sending, or return a suitable error, when it has no connected peers", async (t) => {
      const req = new Request({ sendTimeout: 0 })
      t.teardown(() => req.close())
      await t.rejects(req.send("q"), { code: "EAGAIN" })
      await t.rejects(req.receive(), { code: "EFSM" }, "the failed send left no request pending")
    })

    t.test("REQ: EFSM at once for receive before send and for a second send", async (t) => {
      const rep = new Reply()
      const req = new Request()
      t.teardown(() => { req.close(); rep.close() })
      await marry(rep, req, transport)
      await t.rejects(req.receive(), { code: "EFSM" })
      await req.send("first")
      await t.rejects(req.send("second"), { code: "EFSM" })
      t.same(str(await within(rep.receive(), 5000, "request")), ["first"])
      await rep.send("answer")
      t.same(str(await within(req.receive(), 5000, "reply")), ["answer"])
      await t.rejects(req.receive(), { code: "EFSM" }, "one reply per request")
    })

    t.test("REQ relaxed: a new send abandons the pending request; correlate discards replies to it", async (t) => {
      const router = new Router()
      const req = new Request({ routingId: "req", relaxed: true, correlate: true })
      t.teardown(() => { req.close(); router.close() })
      await marry(router, req, transport)
      await req.send("one")
      const first = await within(router.receive(), 5000, "first request")
      t.equal(first.length, 4, "[id, request id, delimiter, body]")
      t.equal(first[1]!.length, 4, "request id frame is 4 octets")
      await req.send("two")
      const second = await within(router.receive(), 5000, "second request")
      t.notSame(second[1], first[1], "each request has its own id")
      await router.send([...first.slice(0, 3), "reply to one"])
      await router.send([...second.slice(0, 3), "reply to two"])
      t.same(str(await within(req.receive(), 5000, "reply")), ["reply to two"])
    })

    t.test("REQ relaxed without correlate: the next reply from the asked peer is accepted", async (t) => {
      const router = new Router()
      const req = new Request({ routingId: "req", relaxed: true })
      t.teardown(() => { req.close(); router.close() })
      await marry(router, req, transport)
      await req.send("one")
      await req.send("two")
      t.same(str(await within(router.receive(), 5000, "r1")), ["req", "", "one"])
      t.same(str(await within(router.receive(), 5000, "r2")), ["req", "", "two"])
      await router.send(["req", "", "late"])
      t.same(str(await within(req.receive(), 5000, "reply")), ["late"])
    })

    t.test("REP: SHALL receive incoming messages from its peers using a fair-queuing strategy", async (t) => {
      const rep = new Reply()
      t.teardown(() => rep.close())
      await rep.bind(uniqAddress(transport))
      const dealers = [new Dealer(), new Dealer(), new Dealer()]
      for (const [i, dealer] of dealers.entries()) {
        t.teardown(() => dealer.close())
        await connectTo(rep, dealer, rep.lastEndpoint!)
        await dealer.send(["", `p${i}-a`])
        await dealer.send(["", `p${i}-b`])
      }
      await until(() => queued(rep) === 6, 5000, "all requests queued")
      const got: string[] = []
      for (let i = 0; i < 6; i++) {
        got.push(String(await within(rep.receive(), 5000, "request")))
        await rep.send("ok")
      }
      t.same(got.slice(0, 3).map((m) => m.slice(0, 2)).sort(), ["p0", "p1", "p2"], "one from each peer first")
      for (let i = 0; i < 3; i++) t.ok(got.indexOf(`p${i}-a`) < got.indexOf(`p${i}-b`), `peer ${i} order kept`)
    })

    t.test("REP: SHALL remove and save the envelope, and prepend it to the reply, so each reply reaches its requester", async (t) => {
      //  req0, req1, req2 --> rep
      const rep = new Reply()
      t.teardown(() => rep.close())
      await rep.bind(uniqAddress(transport))
      const reqs = [new Request(), new Request(), new Request()]
      for (const req of reqs) {
        t.teardown(() => req.close())
        await connectTo(rep, req, rep.lastEndpoint!)
      }
      for (const [i, req] of reqs.entries()) await req.send(`from ${i}`)
      void echo(rep, "echo")
      const replies = await within(Promise.all(reqs.map((req) => req.receive())), 5000, "replies")
      t.same(replies.map(str), [["echo", "from 0"], ["echo", "from 1"], ["echo", "from 2"]])
    })

    t.test("REP: SHALL keep route frames before the delimiter in the envelope (DEALER peer)", async (t) => {
      const rep = new Reply()
      const dealer = new Dealer()
      t.teardown(() => { dealer.close(); rep.close() })
      await marry(rep, dealer, transport)
      await dealer.send(["hop1", "hop2", "", "body", "more"])
      t.same(str(await within(rep.receive(), 5000, "request")), ["body", "more"])
      await rep.send(["re", "ply"])
      t.same(str(await within(dealer.receive(), 5000, "reply")), ["hop1", "hop2", "", "re", "ply"])
    })

    t.test("REP: SHALL silently discard a request that has no delimiter", async (t) => {
      const rep = new Reply()
      const dealer = new Dealer()
      t.teardown(() => { dealer.close(); rep.close() })
      await marry(rep, dealer, transport)
      await dealer.send(["no", "delimiter"])
      await dealer.send(["", "good"])
      t.same(str(await within(rep.receive(), 5000, "request")), ["good"])
    })

    t.test("REP: EFSM at once for send before receive and for a second receive", async (t) => {
      const rep = new Reply()
      const req = new Request()
      t.teardown(() => { req.close(); rep.close() })
      await marry(rep, req, transport)
      await t.rejects(rep.send("nobody asked"), { code: "EFSM" })
      await req.send("q")
      await within(rep.receive(), 5000, "request")
      await t.rejects(rep.receive(), { code: "EFSM" })
      await rep.send("a")
      await t.rejects(rep.send("again"), { code: "EFSM" }, "one reply per request")
      t.same(str(await within(req.receive(), 5000, "reply")), ["a"])
    })

    t.test("REQ/REP: iterating out of turn rejects with EFSM instead of waiting forever", async (t) => {
      const rep = new Reply()
      const req = new Request()
      t.teardown(() => { req.close(); rep.close() })
      await marry(rep, req, transport)
      await t.rejects(req[Symbol.asyncIterator]().next(), { code: "EFSM" }, "REQ iterated before a request")
      await req.send("q")
      const requests = rep[Symbol.asyncIterator]()
      t.same(str((await within(requests.next(), 5000, "request")).value as Buffer[]), ["q"])
      await t.rejects(requests.next(), { code: "EFSM" }, "REP iterated again before replying")
    })

    t.test("REP: a reply to a requester that has gone is dropped", async (t) => {
      const rep = new Reply()
      const req = new Request()
      t.teardown(() => rep.close())
      await marry(rep, req, transport)
      await req.send("q")
      await within(rep.receive(), 5000, "request")
      const gone = new Promise((resolve) => rep.events.on("disconnect", resolve))
      req.close()
      await within(gone, 5000, "disconnect")
      await within(rep.send("too late"), 1000, "send resolves")
      t.pass("dropped without error")
    })
  })
}
