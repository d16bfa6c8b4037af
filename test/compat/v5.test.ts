// brokerless/v5-compat: the zeromq 5.x callback API over real sockets, and against libzmq
// (the `zeromq` package) so that old `zmq`-era code talks to native peers unchanged.
import t from "tap"
import * as zmq from "../../lib/v5-compat.js"
import zmqDefault from "../../lib/v5-compat.js"
import * as native from "zeromq"
import { uniqAddress } from "../helpers/address.js"
import { within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"

type V5Socket = zmq.Socket

function socket(t: TestCase, type: Parameters<typeof zmq.socket>[0], options?: zmq.SocketOptions): V5Socket {
  const s = zmq.socket(type, { linger: 0, ...options })
  t.teardown(() => s.close())
  return s
}

/** Binds and resolves the resolved endpoint (tcp port 0 -> the real port). */
function bound(s: V5Socket, address: string): Promise<string> {
  return new Promise((resolve, reject) => s.bind(address, (error) => (error ? reject(error) : resolve(String(s.getsockopt(zmq.ZMQ_LAST_ENDPOINT))))))
}

/** The next "message" event's frames, as text. */
function nextMessage(s: V5Socket, what = "message"): Promise<string[]> {
  return within(new Promise((resolve) => s.once("message", (...frames: Buffer[]) => resolve(frames.map(String)))), 5000, what)
}

/** The first `count` "message" events, as text. */
function messages(s: V5Socket, count: number): Promise<string[][]> {
  const got: string[][] = []
  return within(new Promise((resolve) => {
    s.on("message", (...frames: Buffer[]) => {
      got.push(frames.map(String))
      if (got.length === count) resolve(got)
    })
  }), 5000, `${count} messages`)
}

for (const transport of ["tcp", "ipc", "inproc"] as const) {
  t.test(`${transport}: push/pull with strings, numbers, Buffers, multipart and ZMQ_SNDMORE`, async (t) => {
    const pull = socket(t, "pull")
    const push = socket(t, "push")
    const got = messages(pull, 3)
    push.connect(await bound(pull, uniqAddress(transport)))
    push.send("text")
    push.send(["a", 15.5, Buffer.from("b")])
    push.send(["x", "y"], zmq.ZMQ_SNDMORE)
    push.send("z")
    t.same(await got, [["text"], ["a", "15.5", "b"], ["x", "y", "z"]])
  })
}

t.test("send callbacks run once each message is queued, with no argument", async (t) => {
  const pull = socket(t, "pull")
  const push = socket(t, "push")
  push.connect(await bound(pull, uniqAddress("inproc")))
  const got = messages(pull, 3)
  const results: unknown[][] = []
  await within(new Promise<void>((resolve) => {
    for (let i = 0; i < 3; i++) push.send(`m${i}`, 0, (...args) => results.push(args) === 3 && resolve())
  }), 5000, "callbacks")
  t.same(results, [[], [], []])
  t.same(await got, [["m0"], ["m1"], ["m2"]])
})

t.test("a burst of requests queues until each reply arrives (no EFSM), replies in order", async (t) => {
  const rep = socket(t, "rep")
  const req = socket(t, "req")
  rep.on("message", (msg: Buffer) => rep.send(`${msg} done`))
  req.connect(await bound(rep, uniqAddress("tcp")))
  const errors: Error[] = []
  req.on("error", (e: Error) => errors.push(e))
  const got = messages(req, 5)
  for (let i = 0; i < 5; i++) req.send(`job${i}`)
  t.same(await got, [0, 1, 2, 3, 4].map((i) => [`job${i} done`]))
  t.same(errors, [])
})

t.test("pub/sub: subscribe() and ZMQ_SUBSCRIBE filter; pause() holds messages until resume()", async (t) => {
  const sub = socket(t, "sub")
  const pub = socket(t, "pub")
  sub.subscribe("news")
  sub.setsockopt(zmq.ZMQ_SUBSCRIBE, Buffer.from("sport"))
  pub.connect(await bound(sub, uniqAddress("tcp")))
  const first = nextMessage(sub, "first message")
  // Slow joiner: publish until the subscription has reached the publisher.
  const probe = setInterval(() => pub.send(["news", "probe"]), 20)
  t.teardown(() => clearInterval(probe))
  t.same(await first, ["news", "probe"])
  clearInterval(probe)
  sub.removeAllListeners("message")
  await new Promise((resolve) => setTimeout(resolve, 50)) // probes in flight drain
  sub.pause()
  const held: string[][] = []
  sub.on("message", (...frames: Buffer[]) => held.push(frames.map(String)))
  pub.send(["weather", "rain"])
  pub.send(["sport", "goal"])
  const delivered = new Promise<void>((resolve) => sub.once("message", () => resolve()))
  await new Promise((resolve) => setTimeout(resolve, 100))
  const whilePaused = held.filter(([topic]) => topic !== "news")
  t.same(whilePaused, [], "nothing is emitted while paused")
  sub.resume()
  await within(delivered, 5000, "held message after resume")
  t.same(held.filter(([topic]) => topic !== "news"), [["sport", "goal"]], "the held message comes after resume; the unsubscribed topic never")
})

t.test("router with ZMQ_ROUTER_MANDATORY: an unroutable send fails its callback, or emits error without one", async (t) => {
  const router = socket(t, "router")
  router.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, 1)
  t.equal(router.getsockopt(zmq.ZMQ_ROUTER_MANDATORY), 1)
  const viaCallback = new Promise<Error | undefined>((resolve) => router.send(["nobody", "hi"], null, resolve))
  t.equal(((await within(viaCallback, 5000, "callback")) as { code?: string } | undefined)?.code, "EHOSTUNREACH")
  const viaEvent = new Promise<Error>((resolve) => router.once("error", resolve))
  router.send(["nobody", "hi"])
  t.equal(((await within(viaEvent, 5000, "error event")) as { code?: string }).code, "EHOSTUNREACH")
})

t.test("router/dealer: messages carry the routing id set with the identity option", async (t) => {
  const router = socket(t, "router")
  const dealer = socket(t, "dealer", { identity: "worker-7" })
  t.equal(dealer.identity, "worker-7")
  dealer.connect(await bound(router, uniqAddress("tcp")))
  const atRouter = nextMessage(router)
  dealer.send("ready")
  t.same(await atRouter, ["worker-7", "ready"])
  const atDealer = nextMessage(dealer)
  router.send(["worker-7", "task"])
  t.same(await atDealer, ["task"])
})

t.test("monitor(): listen, accept and disconnect with the endpoint", async (t) => {
  const rep = socket(t, "rep")
  rep.monitor()
  const seen: Array<[string, string]> = []
  const all = within(new Promise<void>((resolve) => {
    for (const name of ["listen", "accept", "disconnect"]) {
      rep.on(name, (_value: number, endpoint: string) => {
        seen.push([name, endpoint])
        if (name === "disconnect") resolve()
      })
    }
  }), 5000, "monitor events")
  const endpoint = await bound(rep, uniqAddress("tcp"))
  rep.on("message", () => rep.send("bye"))
  const req = zmq.socket("req")
  req.connect(endpoint)
  req.on("message", () => req.close())
  req.send("hello")
  await all
  t.same(seen.map(([name]) => name), ["listen", "accept", "disconnect"])
  for (const [name, at] of seen.slice(1)) t.equal(at, endpoint, `${name} names the endpoint`)
})

t.test("options: ids, short names and properties read back the libzmq way", async (t) => {
  const s = socket(t, "dealer")
  t.equal(s.setsockopt(zmq.ZMQ_SNDHWM, 12), s, "setsockopt chains")
  t.equal(s.getsockopt(zmq.ZMQ_SNDHWM), 12)
  s.linger = 250
  t.equal(s.getsockopt("linger"), 250)
  t.equal(s.getsockopt(zmq.ZMQ_TYPE), zmq.ZMQ_DEALER)
  t.equal(s.getsockopt(zmq.ZMQ_IMMEDIATE), 0)
  s.setsockopt(zmq.ZMQ_IMMEDIATE, 1)
  t.equal(s.getsockopt(zmq.ZMQ_IMMEDIATE), 1)
  t.equal(s.mechanism, 0)
  s.plain_username = "user"
  t.equal(s.mechanism, 1)
  const curve = zmq.curveKeypair()
  t.equal(curve.public.length, 40)
  s.curve_serverkey = curve.public
  t.equal(s.mechanism, 2)
  t.throws(() => s.setsockopt(9999, 1), /9999/)
  t.throws(() => s.getsockopt("nonsense" as never), /Unknown option/)
  t.throws(() => s.setsockopt(zmq.ZMQ_SNDHWM, -5), { code: "EINVAL" }, "the v6 socket validates")
  t.throws(() => zmq.socket("nonsense" as never), TypeError)
  t.equal(zmq.socket, zmq.createSocket)
})

t.test("proxy(): push/pull with capture, and the wrong order is refused", async (t) => {
  const frontend = socket(t, "pull")
  const backend = socket(t, "push")
  const capture = socket(t, "push")
  const producer = socket(t, "push")
  const worker = socket(t, "pull")
  const tap = socket(t, "pull")
  producer.connect(await bound(frontend, uniqAddress("tcp")))
  worker.connect(await bound(backend, uniqAddress("tcp")))
  tap.connect(await bound(capture, uniqAddress("tcp")))
  zmq.proxy(frontend, backend, capture)
  const atWorker = nextMessage(worker)
  producer.send(["job", "1"])
  t.same(await atWorker, ["job", "1"])
  t.throws(() => zmq.proxy(socket(t, "xsub"), socket(t, "xpub")), /wrong socket order/)
})

t.test("close(): sends still queued in the layer fail their callbacks with EBADF", async (t) => {
  const push = zmq.socket("push") // no peer: nothing has room
  const results: Array<string | undefined> = []
  push.send("a", 0, (e) => results.push((e as { code?: string } | undefined)?.code))
  push.send("b", 0, (e) => results.push((e as { code?: string } | undefined)?.code))
  push.close()
  await within(new Promise<void>((resolve) => {
    const check = setInterval(() => results.length === 2 && (clearInterval(check), resolve()))
  }), 5000, "both callbacks")
  t.same(results.sort(), ["EAGAIN", "EBADF"], "the waiting send is cancelled (EAGAIN), the queued one never ran (EBADF)")
})

t.test("interop: a v5 rep serves a libzmq Request, a v5 req asks a libzmq Reply", async (t) => {
  const rep = socket(t, "rep")
  rep.on("message", (msg: Buffer) => rep.send(`v5:${msg}`))
  const nativeReq = new native.Request({ linger: 0 })
  t.teardown(() => nativeReq.close())
  nativeReq.connect(await bound(rep, uniqAddress("tcp")))
  await nativeReq.send("ping")
  t.same((await within(nativeReq.receive(), 5000, "native reply")).map(String), ["v5:ping"])

  const nativeRep = new native.Reply({ linger: 0 })
  t.teardown(() => nativeRep.close())
  await nativeRep.bind("tcp://127.0.0.1:0")
  const req = socket(t, "req")
  req.connect(nativeRep.lastEndpoint!)
  const reply = nextMessage(req)
  req.send("hello")
  const [request] = await within(nativeRep.receive(), 5000, "native request")
  await nativeRep.send(`native:${request}`)
  t.same(await reply, ["native:hello"])
})

t.test("the default export is the whole API (import zmq from \"brokerless/v5-compat\")", async (t) => {
  t.equal(zmqDefault.socket, zmq.socket)
  t.equal(zmqDefault.ZMQ_SNDMORE, zmq.ZMQ_SNDMORE)
  t.equal(zmqDefault.proxy, zmq.proxy)
  t.equal(zmqDefault.version, zmq.version)
  const s = zmqDefault.socket("push")
  t.equal(s.type, "push")
  s.close()
})
