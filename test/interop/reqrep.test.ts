// Interop with libzmq (the `zeromq` npm package) for RFC 28: Request/Reply and Dealer/Router in
// both directions (brokerless binds / libzmq binds) over tcp and ipc, the envelopes each side
// sees across the mix (REQ->ROUTER, DEALER->REP), router-to-router with explicit ids,
// generated ids and `correlate` request ids, with multipart bodies.
import t, { type Test } from "tap"
import * as zmq from "zeromq"
import { Dealer } from "../../lib/socket/dealer.js"
import { Reply } from "../../lib/socket/reply.js"
import { Request } from "../../lib/socket/request.js"
import { Router } from "../../lib/socket/router.js"
import { WIRE_TRANSPORTS, uniqAddress, type Transport } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"

const str = (frames: Buffer[]) => frames.map(String)
const BODIES: string[][] = [["one"], ["multi", "", "part", "body"], [""], ["x".repeat(300), "tail"]]

type Bindable = { bind(address: string): Promise<void>; readonly lastEndpoint: string | null }
type Connectable = { connect(address: string, options?: { routingId?: string }): void }
type Closable = { close(): void }

/** Binds `binder`, connects `connector`, awaits the brokerless side's handshake. */
async function join(
  t: Test, transport: Transport, binder: Bindable & Closable, connector: Connectable & Closable,
  ours: Parameters<typeof nextEvent>[0], connectOptions?: { routingId?: string },
): Promise<void> {
  t.teardown(() => { connector.close(); binder.close() })
  await binder.bind(binder instanceof zmq.Socket && transport === "tcp" ? "tcp://127.0.0.1:*" : uniqAddress(transport))
  const handshake = nextEvent(ours, "handshake")
  // zeromq.js rejects a second argument (even undefined) on sockets other than Router.
  if (connectOptions) connector.connect(binder.lastEndpoint!, connectOptions)
  else connector.connect(binder.lastEndpoint!)
  await handshake
}

type Req = { send(m: string[]): Promise<void>; receive(): Promise<Buffer[]> }
type Rep = { receive(): Promise<Buffer[]>; send(m: (string | Buffer)[]): Promise<void> }

/** REQ/REP round trips with every body; the replier answers ["re", ...request]. */
async function roundTrips(t: Test, req: Req, rep: Rep): Promise<void> {
  for (const body of BODIES) {
    await req.send(body)
    const request = await within(rep.receive(), 5000, "request")
    t.same(str(request), body, `request ${JSON.stringify(body).slice(0, 30)}`)
    await rep.send(["re", ...request])
    t.same(str(await within(req.receive(), 5000, "reply")), ["re", ...body], "reply")
  }
}

for (const transport of WIRE_TRANSPORTS) {
  t.test(`${transport}: brokerless Reply binds, libzmq Request connects`, async (t) => {
    const rep = new Reply()
    const req = new zmq.Request()
    await join(t, transport, rep, req, rep)
    await roundTrips(t, req, rep)
  })

  t.test(`${transport}: libzmq Reply binds, brokerless Request connects`, async (t) => {
    const rep = new zmq.Reply()
    const req = new Request()
    await join(t, transport, rep, req, req)
    await roundTrips(t, req, rep)
  })

  t.test(`${transport}: brokerless Request -> libzmq Router sees [id, "", body] and routes the reply`, async (t) => {
    const router = new zmq.Router()
    const req = new Request({ routingId: "bl-req" })
    await join(t, transport, router, req, req)
    await req.send(["a", "b"])
    const request = await within(router.receive(), 5000, "request")
    t.same(str(request), ["bl-req", "", "a", "b"])
    await router.send([request[0]!, "", "r1", "r2"])
    t.same(str(await within(req.receive(), 5000, "reply")), ["r1", "r2"])
  })

  t.test(`${transport}: libzmq Request -> brokerless Router sees [id, "", body]`, async (t) => {
    const router = new Router()
    const req = new zmq.Request({ routingId: "zmq-req" })
    await join(t, transport, router, req, router)
    await req.send(["a", "b"])
    const request = await within(router.receive(), 5000, "request")
    t.same(str(request), ["zmq-req", "", "a", "b"])
    await router.send([request[0]!, "", "r1", "r2"])
    t.same(str(await within(req.receive(), 5000, "reply")), ["r1", "r2"])
  })

  t.test(`${transport}: brokerless Router binds, libzmq Dealer connects (explicit and generated ids)`, async (t) => {
    const router = new Router()
    const named = new zmq.Dealer({ routingId: "zmq-dealer" })
    await join(t, transport, router, named, router)
    await named.send(["multi", "", "part"])
    t.same(str(await within(router.receive(), 5000, "receive")), ["zmq-dealer", "multi", "", "part"])
    await router.send(["zmq-dealer", "back", ""])
    t.same(str(await within(named.receive(), 5000, "reply")), ["back", ""])

    const anonymous = new zmq.Dealer()
    t.teardown(() => anonymous.close())
    const handshake = nextEvent(router, "handshake")
    anonymous.connect(router.lastEndpoint!)
    await handshake
    await anonymous.send("hi")
    const [id, body] = await within(router.receive(), 5000, "receive")
    t.equal(id!.length, 5, "generated id is 5 octets")
    t.equal(id![0], 0, "and starts with 0x00")
    t.equal(String(body), "hi")
    await router.send([id!, "to anonymous"])
    t.same(str(await within(anonymous.receive(), 5000, "reply")), ["to anonymous"])
  })

  t.test(`${transport}: libzmq Router binds, brokerless Dealer connects (explicit and generated ids)`, async (t) => {
    const router = new zmq.Router()
    const named = new Dealer({ routingId: "bl-dealer" })
    await join(t, transport, router, named, named)
    await named.send(["multi", "", "part"])
    t.same(str(await within(router.receive(), 5000, "receive")), ["bl-dealer", "multi", "", "part"])
    await router.send(["bl-dealer", "back", ""])
    t.same(str(await within(named.receive(), 5000, "reply")), ["back", ""])

    const anonymous = new Dealer()
    t.teardown(() => anonymous.close())
    const handshake = nextEvent(anonymous, "handshake")
    anonymous.connect(router.lastEndpoint!)
    await handshake
    await anonymous.send("hi")
    const [id, body] = await within(router.receive(), 5000, "receive")
    t.equal(id!.length, 5, "libzmq generated an id for our empty Identity")
    t.equal(id![0], 0)
    t.equal(String(body), "hi")
  })

  t.test(`${transport}: libzmq Dealer -> brokerless Reply keeps route frames in the envelope`, async (t) => {
    const rep = new Reply()
    const dealer = new zmq.Dealer()
    await join(t, transport, rep, dealer, rep)
    await dealer.send(["hop", "", "q1", "q2"])
    t.same(str(await within(rep.receive(), 5000, "request")), ["q1", "q2"])
    await rep.send(["a1", "a2"])
    t.same(str(await within(dealer.receive(), 5000, "reply")), ["hop", "", "a1", "a2"])
  })

  t.test(`${transport}: brokerless Dealer -> libzmq Reply keeps route frames in the envelope`, async (t) => {
    const rep = new zmq.Reply()
    const dealer = new Dealer()
    await join(t, transport, rep, dealer, dealer)
    await dealer.send(["hop", "", "q1", "q2"])
    t.same(str(await within(rep.receive(), 5000, "request")), ["q1", "q2"])
    await rep.send(["a1", "a2"])
    t.same(str(await within(dealer.receive(), 5000, "reply")), ["hop", "", "a1", "a2"])
  })

  t.test(`${transport}: router to router with explicit ids, brokerless binds`, async (t) => {
    const ours = new Router({ routingId: "bl-router" })
    const theirs = new zmq.Router({ routingId: "zmq-router" })
    await join(t, transport, ours, theirs, ours, { routingId: "bl" })
    await theirs.send(["bl", "hello", "world"])
    t.same(str(await within(ours.receive(), 5000, "ours")), ["zmq-router", "hello", "world"])
    await ours.send(["zmq-router", "back"])
    t.same(str(await within(theirs.receive(), 5000, "theirs")), ["bl", "back"])
  })

  t.test(`${transport}: router to router with explicit ids, libzmq binds`, async (t) => {
    const theirs = new zmq.Router({ routingId: "zmq-router" })
    const ours = new Router({ routingId: "bl-router" })
    await join(t, transport, theirs, ours, ours, { routingId: "zr" })
    await ours.send(["zr", "hello", "world"])
    t.same(str(await within(theirs.receive(), 5000, "theirs")), ["bl-router", "hello", "world"])
    await theirs.send(["bl-router", "back"])
    t.same(str(await within(ours.receive(), 5000, "ours")), ["zr", "back"])
  })

  t.test(`${transport}: brokerless Request with correlate against libzmq Reply`, async (t) => {
    const rep = new zmq.Reply()
    const req = new Request({ correlate: true, relaxed: true })
    await join(t, transport, rep, req, req)
    await roundTrips(t, req, rep)
  })

  t.test(`${transport}: libzmq Request with correlate against brokerless Router and Reply`, async (t) => {
    const router = new Router()
    const req = new zmq.Request({ routingId: "zc", correlate: true, relaxed: true })
    await join(t, transport, router, req, router)
    await req.send("one")
    const first = await within(router.receive(), 5000, "first")
    t.equal(first.length, 4, "[id, request id, delimiter, body]")
    t.equal(first[1]!.length, 4, "libzmq's request id is 4 octets")
    await req.send("two") // relaxed: abandons "one"
    const second = await within(router.receive(), 5000, "second")
    await router.send([...first.slice(0, 3), "stale"])
    await router.send([...second.slice(0, 3), "fresh"])
    t.same(str(await within(req.receive(), 5000, "reply")), ["fresh"], "libzmq drops the stale reply too")

    const rep = new Reply()
    const req2 = new zmq.Request({ correlate: true })
    await join(t, transport, rep, req2, rep)
    await roundTrips(t, req2, rep)
  })
}
