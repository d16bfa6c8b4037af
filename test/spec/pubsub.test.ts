// RFC 29 (PUBSUB) behaviour of Publisher, Subscriber, XPublisher, XSubscriber and proxy(), over
// every transport. Subscriptions travel asynchronously: tests wait for them to arrive (an
// XPublisher notice, or until() on the publisher's subscription table), never sleep.
import t from "tap"
import type { PrefixTrie } from "../../lib/pattern/prefix-trie.js"
import type { Pipe } from "../../lib/pipe/pipe.js"
import { proxy } from "../../lib/socket/proxy.js"
import { Publisher } from "../../lib/socket/publisher.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { XPublisher } from "../../lib/socket/xpublisher.js"
import { XSubscriber } from "../../lib/socket/xsubscriber.js"
import { TRANSPORTS, uniqAddress, type Transport } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { sendUntilArrived } from "../helpers/probe.js"
import { connectTo, marry } from "../helpers/marry.js"

type AnyPublisher = Publisher | XPublisher

/** Subscribers (pipes) of `pub` whose subscriptions match `topic`: observable state, no sleeps. */
function matching(pub: AnyPublisher, topic: string | Buffer): number {
  const table = (pub as unknown as { table: { active: PrefixTrie<Pipe> } }).table
  return table.active.match(Buffer.from(topic), new Set()).size
}

function subscribed(pub: AnyPublisher, topic: string | Buffer, count = 1): Promise<void> {
  return until(() => matching(pub, topic) >= count, 5000, `${count} subscriber(s) for ${String(topic)}`)
}

const text = (frames: Buffer[]) => frames.map(String).join("|")
const recv = <T>(socket: { receive(): Promise<T> }, what = "receive") => within(socket.receive(), 5000, what)

/** Binds on a fresh address; for tcp the resolved one (with the port) is returned. */
async function bound(socket: { bind(a: string): Promise<void>; lastEndpoint: string | null }, transport: Transport) {
  await socket.bind(uniqAddress(transport))
  return socket.lastEndpoint!
}

for (const transport of TRANSPORTS) {
  t.test(`${transport}`, async (t) => {
    t.test("PUB: SHALL route each message to all subscribers whose subscription matches (fan-out)", async (t) => {
      //  pub --+--> sub1 ("")
      //        +--> sub2 ("")
      //        +--> sub3 ("")
      const pub = new Publisher()
      t.teardown(() => pub.close())
      const endpoint = await bound(pub, transport)
      const subs = [new Subscriber(), new Subscriber(), new Subscriber()]
      for (const sub of subs) {
        t.teardown(() => sub.close())
        sub.subscribe()
        await connectTo(pub, sub, endpoint)
      }
      await subscribed(pub, "", 3)
      await pub.send(["topic", Buffer.from([0, 1, 255])])
      const got = await Promise.all(subs.map((sub) => recv(sub)))
      for (const frames of got) t.same(frames, [Buffer.from("topic"), Buffer.from([0, 1, 255])])
      if (transport === "inproc") t.equal(got[0]![1], got[2]![1], "inproc: every subscriber gets the same Buffer")
    })

    t.test("PUB: SHALL filter messages by prefix-matching each subscriber's subscriptions", async (t) => {
      const pub = new Publisher()
      const subA = new Subscriber()
      const subB = new Subscriber()
      t.teardown(() => { pub.close(); subA.close(); subB.close() })
      const endpoint = await bound(pub, transport)
      await connectTo(pub, subA, endpoint)
      await connectTo(pub, subB, endpoint)
      subA.subscribe("A")
      subB.subscribe(Buffer.from("B"))
      await subscribed(pub, "A")
      await subscribed(pub, "B")
      for (const m of ["C-none", "A1", "B1", "AB", "BA"]) await pub.send(m)
      // Per-pipe order is kept, so a wrongly delivered "C-none" would come first.
      t.same([text(await recv(subA)), text(await recv(subA))], ["A1", "AB"])
      t.same([text(await recv(subB)), text(await recv(subB))], ["B1", "BA"])
    })

    t.test("PUB: SHALL silently drop the message if the queue for a subscriber is full, and SHALL NOT block", async (t) => {
      const pub = new Publisher({ sendHighWaterMark: 10, sendTimeout: 0 })
      const sub = new Subscriber({ receiveHighWaterMark: 10 })
      t.teardown(() => { pub.close(); sub.close() })
      await marry(pub, sub, transport)
      sub.subscribe()
      await subscribed(pub, "")
      // One synchronous burst of 64 MiB against a subscriber that reads nothing meanwhile: more
      // than its queues, the kernel buffers and our write window can hold, so some must drop.
      const payload = Buffer.alloc(64 * 1024, 7)
      const sends: Promise<void>[] = []
      for (let i = 0; i < 1000; i++) sends.push(pub.send([`n${i}`, payload]))
      await within(Promise.all(sends), 1000, "every send resolves (never blocks, sendTimeout 0 never fails)")
      // Then a marker, re-sent until it gets through once the queues have drained.
      const numbered: number[] = []
      const reading = (async () => {
        for (;;) {
          const [head] = await recv(sub)
          if (String(head) === "end") return
          numbered.push(Number(String(head).slice(1)))
        }
      })()
      await sendUntilArrived(() => pub.send("end"), reading, 5000, 1)
      t.ok(numbered.length > 0 && numbered.length < 1000, `some delivered, the rest dropped (${numbered.length} of 1000)`)
      t.same(numbered, [...numbered].sort((a, b) => a - b), "what arrives keeps its order")
    })

    t.test("PUB: with no subscribers a send is dropped at once, never queued", async (t) => {
      const pub = new Publisher({ sendTimeout: 0 })
      t.teardown(() => pub.close())
      await pub.bind(uniqAddress(transport))
      await within(pub.send("nobody"), 500, "send")
      t.equal(pub.writable, true)
      t.equal((pub as unknown as { receive?: unknown }).receive, undefined, "Publisher has no receive")
    })

    t.test("PUB noDrop: SHALL wait for room instead of dropping", async (t) => {
      const pub = new Publisher({ noDrop: true, sendHighWaterMark: 5, sendTimeout: 0 })
      const sub = new Subscriber({ receiveHighWaterMark: 5 })
      t.teardown(() => { pub.close(); sub.close() })
      await marry(pub, sub, transport)
      sub.subscribe()
      await subscribed(pub, "")
      const payload = Buffer.alloc(64 * 1024, 1)
      let sent = 0
      // Fill until the publisher refuses (EAGAIN with sendTimeout 0): that is the wait.
      for (;;) {
        try {
          await pub.send([String(sent), payload])
          sent++
        } catch (error) {
          t.equal((error as { code?: string }).code, "EAGAIN", "full: the send would wait")
          break
        }
        if (sent % 10 === 0) await new Promise(setImmediate)
        if (sent > 100_000) throw new Error("never refused")
      }
      pub.sendTimeout = 5000
      const last = pub.send([String(sent), payload])
      const got: string[] = []
      for (let i = 0; i <= sent; i++) got.push(String((await recv(sub))[0]))
      t.same(got, Array.from({ length: sent + 1 }, (_, i) => String(i)), "nothing lost, in order")
      await last
      t.pass(`${sent + 1} messages in order with none dropped`)
    })

    t.test("SUB: SHALL send subscriptions to the publisher, and subscribing to the same prefix twice needs two unsubscribes", async (t) => {
      const xpub = new XPublisher()
      const sub = new Subscriber()
      t.teardown(() => { xpub.close(); sub.close() })
      await marry(xpub, sub, transport)
      sub.subscribe("A")
      t.same(await recv(xpub), [Buffer.from([1, 0x41])])
      sub.subscribe("A")
      sub.unsubscribe("A")
      sub.subscribe("B") // the next notice: proves the first unsubscribe sent no cancel
      t.same(await recv(xpub), [Buffer.from([1, 0x42])])
      t.equal(matching(xpub, "A"), 1, "still subscribed to A")
      sub.unsubscribe("A")
      t.same(await recv(xpub), [Buffer.from([0, 0x41])], "the last unsubscribe cancels")
      await t.rejects((sub as unknown as { send(m: string): Promise<void> }).send("x"), { code: "ENOTSUP" }, "Subscriber's untyped send() is refused")
    })

    t.test("SUB: subscribe() with no argument subscribes to everything (the empty prefix)", async (t) => {
      const xpub = new XPublisher()
      const sub = new Subscriber()
      t.teardown(() => { xpub.close(); sub.close() })
      await marry(xpub, sub, transport)
      sub.subscribe()
      t.same(await recv(xpub), [Buffer.from([1])])
      await xpub.send(Buffer.from([0xff, 0x00]))
      t.same(await recv(sub), [Buffer.from([0xff, 0x00])])
      sub.unsubscribe()
      t.same(await recv(xpub), [Buffer.from([0])])
    })

    t.test("SUB: SHALL re-send its subscriptions after the publisher restarts (reconnect)", async (t) => {
      //  sub --connect--> xpub1 (closed) ... xpub2 (same address)
      const sub = new Subscriber({ reconnectInterval: 20 })
      t.teardown(() => sub.close())
      const first = new XPublisher()
      t.teardown(() => first.close())
      const endpoint = await bound(first, transport)
      sub.subscribe("A", Buffer.from([0, 0xff]))
      await connectTo(first, sub, endpoint)
      t.ok((await recv(first))[0]![0] === 1)
      await recv(first)
      const gone = nextEvent(sub, "disconnect")
      first.close()
      await gone
      const second = new XPublisher()
      t.teardown(() => second.close())
      const again = nextEvent(sub, "handshake")
      await second.bind(endpoint)
      await again
      const notices = [await recv(second), await recv(second)].map((m) => m[0]!.toString("hex")).sort()
      t.same(notices, ["0100ff", "0141"], "both subscriptions re-sent to the new publisher")
      await second.send([Buffer.from([0, 0xff, 7])])
      t.same(await recv(sub), [Buffer.from([0, 0xff, 7])])
    })

    t.test("SUB: SHALL deliver only what matches its own subscriptions (local filter), inverted with invertMatching", async (t) => {
      const pub = new Publisher({ invertMatching: true })
      const sub = new Subscriber({ invertMatching: true })
      t.teardown(() => { pub.close(); sub.close() })
      await marry(pub, sub, transport)
      sub.subscribe("A")
      await subscribed(pub, "A")
      for (const m of ["A1", "B1", "AB", "C1"]) await pub.send(m)
      t.same([text(await recv(sub)), text(await recv(sub))], ["B1", "C1"], "only messages matching no subscription")
    })

    t.test("XPUB: SHALL pass subscription messages to the application (first subscribe, last cancel)", async (t) => {
      const xpub = new XPublisher()
      const sub1 = new Subscriber()
      const sub2 = new Subscriber()
      t.teardown(() => { xpub.close(); sub1.close(); sub2.close() })
      const endpoint = await bound(xpub, transport)
      await connectTo(xpub, sub1, endpoint)
      await connectTo(xpub, sub2, endpoint)
      sub1.subscribe("T")
      t.same(await recv(xpub), [Buffer.from("\x01T")])
      sub2.subscribe("T")
      await subscribed(xpub, "T", 2)
      sub2.subscribe("U")
      t.same(await recv(xpub), [Buffer.from("\x01U")], "the duplicate T was not passed")
      sub1.unsubscribe("T")
      await until(() => matching(xpub, "T") === 1)
      const gone = nextEvent(xpub, "disconnect")
      sub2.close()
      await gone
      const notices = [await recv(xpub), await recv(xpub)].map((m) => String(m[0]!.subarray(1)) + m[0]![0]).sort()
      t.same(notices, ["T0", "U0"], "the subscriber's disconnect cancels what only it wanted")
    })

    t.test("XPUB verbosity 1 passes duplicate subscribes; verbosity 2 passes every cancel too", async (t) => {
      for (const verbosity of [1, 2] as const) {
        const xpub = new XPublisher({ verbosity: verbosity === 1 ? "allSubs" : "allSubsUnsubs" })
        const sub1 = new Subscriber()
        const sub2 = new Subscriber()
        t.teardown(() => { xpub.close(); sub1.close(); sub2.close() })
        const endpoint = await bound(xpub, transport)
        await connectTo(xpub, sub1, endpoint)
        await connectTo(xpub, sub2, endpoint)
        sub1.subscribe("T")
        t.same(await recv(xpub), [Buffer.from("\x01T")])
        sub2.subscribe("T")
        t.same(await recv(xpub), [Buffer.from("\x01T")], `verbosity ${verbosity}: the duplicate is passed`)
        sub1.unsubscribe("T")
        sub1.subscribe("Z")
        const next = await recv(xpub)
        if (verbosity === 1) t.same(next, [Buffer.from("\x01Z")], "verbosity 1: a non-last cancel is not passed")
        else t.same(next, [Buffer.from("\x00T")], "verbosity 2: every cancel is passed")
      }
    })

    t.test("XPUB manual: subscriptions take effect only when the application applies them", async (t) => {
      const xpub = new XPublisher({ manual: true })
      const xsub = new XSubscriber()
      t.teardown(() => { xpub.close(); xsub.close() })
      await marry(xpub, xsub, transport)
      await xsub.send(Buffer.from("\x01A"))
      t.same(await recv(xpub), [Buffer.from("\x01A")])
      t.equal(matching(xpub, "A"), 0, "not applied by itself")
      xpub.subscribe("B") // for the pipe that sent the notice just received
      for (const m of ["A1", "B1"]) await xpub.send(m)
      t.same(await recv(xsub), [Buffer.from("B1")], "the application's choice rules")
      t.throws(() => new XPublisher().subscribe("x"), { code: "EINVAL" }, "only in manual mode")
    })

    t.test("XPUB welcomeMessage: SHALL be sent to each new subscriber on connect", async (t) => {
      const xpub = new XPublisher({ welcomeMessage: "WELCOME" })
      t.teardown(() => xpub.close())
      const endpoint = await bound(xpub, transport)
      for (let i = 0; i < 2; i++) {
        const sub = new Subscriber()
        t.teardown(() => sub.close())
        sub.subscribe("WELCOME")
        await connectTo(xpub, sub, endpoint)
        t.same(await recv(sub), [Buffer.from("WELCOME")], `subscriber ${i + 1}`)
      }
    })

    t.test("XSUB: SHALL send subscription messages from the application upstream, and other messages as plain upstream messages", async (t) => {
      const xpub = new XPublisher()
      const xsub = new XSubscriber()
      t.teardown(() => { xpub.close(); xsub.close() })
      await marry(xpub, xsub, transport)
      await xsub.send(Buffer.from([1, 0x00, 0xff]))
      t.same(await recv(xpub), [Buffer.from([1, 0x00, 0xff])])
      await xsub.send(["hello", "upstream"])
      t.same(await recv(xpub), [Buffer.from("hello"), Buffer.from("upstream")])
      await xpub.send([Buffer.from([0x00, 0xff, 0x01]), "x"])
      t.same(await recv(xsub), [Buffer.from([0x00, 0xff, 0x01]), Buffer.from("x")])
      await xsub.send(Buffer.from([0, 0x00, 0xff]))
      t.same(await recv(xpub), [Buffer.from([0, 0x00, 0xff])])
    })

    t.test("PUB: SHALL silently discard messages that subscribers send it", async (t) => {
      const pub = new Publisher({ receiveHighWaterMark: 2 })
      const xsub = new XSubscriber()
      t.teardown(() => { pub.close(); xsub.close() })
      await marry(pub, xsub, transport)
      for (let i = 0; i < 10; i++) await xsub.send(["not a subscription", String(i)])
      await xsub.send(Buffer.from("\x01k"))
      await subscribed(pub, "k") // read past the junk, beyond its receive HWM
      await pub.send("k1")
      t.same(await recv(xsub), [Buffer.from("k1")])
    })

    t.test("PUB connecting to a bound SUB: subscriptions still reach the publisher", async (t) => {
      const sub = new Subscriber()
      const pub = new Publisher()
      t.teardown(() => { sub.close(); pub.close() })
      await marry(sub, pub, transport)
      sub.subscribe("x")
      await subscribed(pub, "x")
      await pub.send("xyz")
      t.same(await recv(sub), [Buffer.from("xyz")])
    })

    t.test("conflate on Subscriber keeps only the newest message", async (t) => {
      const pub = new Publisher()
      const sub = new Subscriber({ conflate: true })
      t.teardown(() => { pub.close(); sub.close() })
      await marry(pub, sub, transport)
      sub.subscribe()
      await subscribed(pub, "")
      for (let i = 0; i < 100; i++) await pub.send(`m${i}`)
      const pipes = (sub as unknown as { pipes: Set<Pipe> }).pipes
      await until(() => [...pipes].some((p) => String(p.inbound.peek()?.[0]) === "m99"), 5000, "the last one arrived")
      t.same(await recv(sub), [Buffer.from("m99")])
      t.equal(sub.readable, false, "nothing older is left")
    })

    t.test("conflate on Publisher keeps only the newest message per subscriber", async (t) => {
      const pub = new Publisher({ conflate: true })
      const sub = new Subscriber()
      t.teardown(() => { pub.close(); sub.close() })
      await marry(pub, sub, transport)
      sub.subscribe()
      await subscribed(pub, "")
      // Not awaited in between: the queue is flushed after this loop, holding only the last.
      for (let i = 0; i < 100; i++) void pub.send(`m${i}`)
      t.same(await recv(sub), [Buffer.from("m99")])
    })

    t.test("proxy: an XSUB/XPUB forwarder carries messages downstream and subscriptions upstream", async (t) => {
      //  pub <-- xsub [proxy] xpub <-- sub1, sub2
      const pub = new Publisher()
      const frontend = new XSubscriber()
      const backend = new XPublisher()
      const subs = [new Subscriber(), new Subscriber()]
      t.teardown(() => { for (const s of [pub, frontend, backend, ...subs]) s.close() })
      const running = proxy(frontend, backend)
      await marry(pub, frontend, transport)
      const endpoint = await bound(backend, transport)
      for (const sub of subs) await connectTo(backend, sub, endpoint)
      subs[0]!.subscribe("news")
      subs[1]!.subscribe("sport")
      await subscribed(pub, "news")
      await subscribed(pub, "sport")
      for (const m of ["weather", "news.1", "sport.1"]) await pub.send(m)
      t.same(await recv(subs[0]!), [Buffer.from("news.1")])
      t.same(await recv(subs[1]!), [Buffer.from("sport.1")])
      subs[0]!.unsubscribe("news")
      await until(() => matching(pub, "news") === 0, 5000, "the cancel reached the publisher")
      t.equal(matching(pub, "sport"), 1)
      frontend.close()
      backend.close()
      await within(running, 2000, "proxy ends once both sockets close")
    })
  })
}
