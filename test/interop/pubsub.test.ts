// Interop with libzmq (the `zeromq` npm package) for Publisher/Subscriber and XPublisher/
// XSubscriber, both directions (brokerless binds / libzmq binds) over tcp and ipc: binary
// prefixes (0x00/0xff octets), subscription notices crossing libraries, several subscribers,
// unsubscribe, and re-subscription after a publisher restart.
import t from "tap"
import * as zmq from "zeromq"
import type { PrefixTrie } from "../../lib/pattern/prefix-trie.js"
import type { Pipe } from "../../lib/pipe/pipe.js"
import { proxy } from "../../lib/socket/proxy.js"
import { Publisher } from "../../lib/socket/publisher.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { XPublisher } from "../../lib/socket/xpublisher.js"
import { XSubscriber } from "../../lib/socket/xsubscriber.js"
import { WIRE_TRANSPORTS, uniqAddress, type Transport } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { sendUntilArrived } from "../helpers/probe.js"

const BIN = Buffer.from([0x00, 0xff, 0x00]) // a prefix with the octets text APIs get wrong
const hex = (frames: Buffer[]) => frames.map((f) => f.toString("hex")).join("|")
const recv = (socket: { receive(): Promise<Buffer[]> }, what = "receive") => within(socket.receive(), 5000, what)
const sub = (prefix: Buffer) => Buffer.concat([Buffer.from([1]), prefix])
const cancel = (prefix: Buffer) => Buffer.concat([Buffer.from([0]), prefix])

/** Subscribers of a brokerless publisher whose subscriptions match `topic` (observable state). */
function matching(pub: Publisher | XPublisher, topic: Buffer): number {
  const table = (pub as unknown as { table: { active: PrefixTrie<Pipe> } }).table
  return table.active.match(topic, new Set()).size
}

/** Where a libzmq socket binds: an ephemeral tcp port or a fresh ipc path. */
function zmqAddress(transport: Transport): string {
  return transport === "tcp" ? "tcp://127.0.0.1:*" : uniqAddress(transport)
}

/**
 * A libzmq publisher has no observable subscription state: publish `${topic}probe` until the
 * subscriber receives one (bounded), then a single sync marker so no probe is left in flight.
 */
async function awaitDelivery(pub: { send(m: Buffer[]): Promise<void> }, receiver: { receive(): Promise<Buffer[]> }, topic: Buffer): Promise<void> {
  await sendUntilArrived(() => pub.send([Buffer.concat([topic, Buffer.from("probe")])]), recv(receiver, "first probe"), 1000, 5)
  const marker = Buffer.concat([topic, Buffer.from("sync")])
  await pub.send([marker])
  while (!(await recv(receiver, "sync marker"))[0]!.equals(marker));
}

/** Binds `socket` at `address`, retrying while a just-closed libzmq socket still holds it. */
async function rebind(socket: { bind(a: string): Promise<void> }, address: string): Promise<void> {
  const deadline = Date.now() + 5000
  for (;;) {
    try {
      return await socket.bind(address)
    } catch (error) {
      if ((error as { code?: string }).code !== "EADDRINUSE" || Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
}

for (const transport of WIRE_TRANSPORTS) {
  t.test(`${transport}`, async (t) => {
    for (const brokerlessBinds of [true, false]) {
      const how = brokerlessBinds ? "brokerless binds" : "libzmq binds"

      t.test(`brokerless Publisher -> libzmq Subscriber, binary prefix (${how})`, async (t) => {
        const pub = new Publisher()
        const zsub = new zmq.Subscriber({ linger: 0 })
        t.teardown(() => { pub.close(); zsub.close() })
        zsub.subscribe(BIN)
        const ready = nextEvent(pub, "handshake")
        if (brokerlessBinds) {
          await pub.bind(uniqAddress(transport))
          zsub.connect(pub.lastEndpoint!)
        } else {
          await zsub.bind(zmqAddress(transport))
          pub.connect(zsub.lastEndpoint!)
        }
        await ready
        // libzmq runs a bound socket's new-pipe work (which sends its subscriptions) only when
        // the application calls into the socket: a pending receive does that in zeromq.js.
        const got = recv(zsub)
        await until(() => matching(pub, BIN) === 1, 5000, "libzmq's SUBSCRIBE reached the publisher")
        await pub.send([Buffer.from([0x00, 0xff, 0x01]), "no"])
        await pub.send([Buffer.from([0x00, 0xff, 0x00, 0xff]), "yes"])
        t.equal(hex(await got), "00ff00ff|796573")
      })

      t.test(`libzmq Publisher -> brokerless Subscriber, binary prefix (${how})`, async (t) => {
        const zpub = new zmq.Publisher({ linger: 0 })
        const bsub = new Subscriber()
        t.teardown(() => { zpub.close(); bsub.close() })
        bsub.subscribe(BIN)
        const ready = nextEvent(bsub, "handshake")
        if (brokerlessBinds) {
          await bsub.bind(uniqAddress(transport))
          zpub.connect(bsub.lastEndpoint!)
        } else {
          await zpub.bind(zmqAddress(transport))
          bsub.connect(zpub.lastEndpoint!)
        }
        await ready
        await awaitDelivery(zpub, bsub, BIN)
        await zpub.send([Buffer.from([0x00, 0xfe]), "no"])
        await zpub.send([Buffer.from([0x00, 0xff, 0x00, 0x42]), Buffer.alloc(0), "yes"])
        t.equal(hex(await recv(bsub)), "00ff0042||796573")
      })

      t.test(`brokerless Subscriber's subscriptions are visible at a libzmq XPublisher (${how})`, async (t) => {
        const zxpub = new zmq.XPublisher({ linger: 0 })
        const bsub = new Subscriber()
        t.teardown(() => { zxpub.close(); bsub.close() })
        const ready = nextEvent(bsub, "handshake")
        if (brokerlessBinds) {
          await bsub.bind(uniqAddress(transport))
          zxpub.connect(bsub.lastEndpoint!)
        } else {
          await zxpub.bind(zmqAddress(transport))
          bsub.connect(zxpub.lastEndpoint!)
        }
        await ready
        bsub.subscribe(BIN)
        t.equal(hex(await recv(zxpub)), sub(BIN).toString("hex"))
        bsub.subscribe(BIN) // counted locally: the second needs its own unsubscribe
        bsub.unsubscribe(BIN)
        bsub.subscribe("text")
        t.equal(String(await recv(zxpub)), "\x01text", "no cancel after the first of two unsubscribes")
        bsub.unsubscribe(BIN)
        t.equal(hex(await recv(zxpub)), cancel(BIN).toString("hex"))
        await zxpub.send(["text!", "x"])
        t.equal(String((await recv(bsub))[0]), "text!")
      })

      t.test(`libzmq Subscriber's subscriptions are visible at a brokerless XPublisher (${how})`, async (t) => {
        const xpub = new XPublisher()
        const zsub = new zmq.Subscriber({ linger: 0 })
        t.teardown(() => { xpub.close(); zsub.close() })
        const ready = nextEvent(xpub, "handshake")
        if (brokerlessBinds) {
          await xpub.bind(uniqAddress(transport))
          zsub.connect(xpub.lastEndpoint!)
        } else {
          await zsub.bind(zmqAddress(transport))
          xpub.connect(zsub.lastEndpoint!)
        }
        await ready
        zsub.subscribe(BIN)
        const got = recv(zsub) // lets libzmq process its pending work (see above)
        t.equal(hex(await recv(xpub)), sub(BIN).toString("hex"))
        await xpub.send([Buffer.concat([BIN, Buffer.from([0xff])])])
        t.equal(hex(await got), "00ff00ff")
        zsub.unsubscribe(BIN)
        t.equal(hex(await recv(xpub)), cancel(BIN).toString("hex"))
      })
    }

    t.test("XSUB/XPUB both ways: unsubscribe stops delivery at the publisher; upstream messages pass", async (t) => {
      // libzmq XSubscriber -> brokerless XPublisher
      const xpub = new XPublisher()
      const zxsub = new zmq.XSubscriber({ linger: 0 })
      // brokerless XSubscriber -> libzmq XPublisher
      const zxpub = new zmq.XPublisher({ linger: 0 })
      const xsub = new XSubscriber()
      t.teardown(() => { for (const s of [xpub, zxsub, zxpub, xsub]) s.close() })
      await xpub.bind(uniqAddress(transport))
      await zxpub.bind(zmqAddress(transport))
      const ready = Promise.all([nextEvent(xpub, "handshake"), nextEvent(xsub, "handshake")])
      zxsub.connect(xpub.lastEndpoint!)
      xsub.connect(zxpub.lastEndpoint!)
      await ready
      const pairs: [string, { send(m: Buffer[]): Promise<void>; receive(): Promise<Buffer[]> }, { send(m: Buffer[]): Promise<void>; receive(): Promise<Buffer[]> }][] = [
        ["brokerless XPUB / libzmq XSUB", xpub, zxsub],
        ["libzmq XPUB / brokerless XSUB", zxpub, xsub],
      ]
      for (const [name, publisher, subscriber] of pairs) {
        await subscriber.send([sub(BIN)])
        await subscriber.send([sub(Buffer.from("B"))])
        t.equal(hex(await recv(publisher)), sub(BIN).toString("hex"), `${name}: subscribe seen`)
        t.equal(String(await recv(publisher)), "\x01B")
        await publisher.send([Buffer.concat([BIN, Buffer.from("1")])])
        t.equal(hex(await recv(subscriber)), "00ff0031", `${name}: delivered`)
        await subscriber.send([cancel(BIN)])
        t.equal(hex(await recv(publisher)), cancel(BIN).toString("hex"), `${name}: cancel seen`)
        await publisher.send([Buffer.concat([BIN, Buffer.from("2")])])
        await publisher.send([Buffer.from("B1")])
        t.equal(String(await recv(subscriber)), "B1", `${name}: nothing for the cancelled prefix`)
        await subscriber.send([Buffer.from("upstream"), Buffer.from([0xff])])
        t.equal(hex(await recv(publisher)), "757073747265616d|ff", `${name}: plain upstream message`)
      }
    })

    t.test("brokerless Publisher fans out to several libzmq and brokerless subscribers", async (t) => {
      //  pub --+--> libzmq sub ("a")
      //        +--> libzmq sub ("")
      //        +--> brokerless sub ("b")
      const pub = new Publisher()
      const z1 = new zmq.Subscriber({ linger: 0 })
      const z2 = new zmq.Subscriber({ linger: 0 })
      const b1 = new Subscriber()
      t.teardown(() => { for (const s of [pub, z1, z2, b1]) s.close() })
      await pub.bind(uniqAddress(transport))
      z1.subscribe("a")
      z2.subscribe()
      b1.subscribe("b")
      for (const s of [z1, z2, b1]) s.connect(pub.lastEndpoint!)
      await until(() => matching(pub, Buffer.from("a")) === 2 && matching(pub, Buffer.from("b")) === 2, 5000, "all subscribed")
      for (const m of ["a1", "b1", "c1"]) await pub.send(m)
      t.equal(String(await recv(z1)), "a1")
      t.same([String(await recv(z2)), String(await recv(z2)), String(await recv(z2))], ["a1", "b1", "c1"])
      t.equal(String(await recv(b1)), "b1")
    })

    t.test("brokerless Subscriber re-subscribes after a libzmq publisher restarts", async (t) => {
      const bsub = new Subscriber({ reconnectInterval: 20 })
      t.teardown(() => bsub.close())
      bsub.subscribe(BIN)
      const first = new zmq.XPublisher({ linger: 0 })
      t.teardown(() => first.close())
      await first.bind(zmqAddress(transport))
      const address = first.lastEndpoint!
      const ready = nextEvent(bsub, "handshake")
      bsub.connect(address)
      await ready
      t.equal(hex(await recv(first)), sub(BIN).toString("hex"))
      const gone = nextEvent(bsub, "disconnect")
      first.close()
      await gone
      const second = new zmq.XPublisher({ linger: 0 })
      t.teardown(() => second.close())
      const again = nextEvent(bsub, "handshake")
      await rebind(second, address)
      await again
      t.equal(hex(await recv(second)), sub(BIN).toString("hex"), "re-sent to the new publisher")
      await second.send([Buffer.concat([BIN, Buffer.from("!")])])
      t.equal(hex(await recv(bsub)), "00ff0021")
    })

    t.test("libzmq Subscriber re-subscribes after a brokerless publisher restarts", async (t) => {
      const zsub = new zmq.Subscriber({ linger: 0, reconnectInterval: 20 })
      t.teardown(() => zsub.close())
      zsub.subscribe(BIN)
      const first = new XPublisher()
      t.teardown(() => first.close())
      await first.bind(uniqAddress(transport))
      const address = first.lastEndpoint!
      zsub.connect(address)
      t.equal(hex(await recv(first)), sub(BIN).toString("hex"))
      const gone = nextEvent(first, "disconnect")
      first.close()
      await gone.catch(() => undefined) // closing ends the connection locally; the event may or may not fire
      const second = new XPublisher()
      t.teardown(() => second.close())
      // libzmq re-sends subscriptions from the application's thread (its pipe "hiccup"): a
      // pending receive lets zeromq.js run it.
      const got = within(zsub.receive(), 10_000, "receive after the restart")
      await rebind(second, address)
      t.equal(hex(await recv(second)), sub(BIN).toString("hex"), "re-sent to the new publisher")
      await second.send([Buffer.concat([BIN, Buffer.from("!")])])
      t.equal(hex(await got), "00ff0021")
    })

    t.test("a brokerless proxy between a libzmq publisher and libzmq subscribers", async (t) => {
      //  zpub <-- xsub [brokerless proxy] xpub <-- zsub
      const zpub = new zmq.Publisher({ linger: 0 })
      const frontend = new XSubscriber()
      const backend = new XPublisher()
      const zsub = new zmq.Subscriber({ linger: 0 })
      t.teardown(() => { for (const s of [zpub, frontend, backend, zsub]) s.close() })
      const running = proxy(frontend, backend)
      await zpub.bind(zmqAddress(transport))
      await backend.bind(uniqAddress(transport))
      frontend.connect(zpub.lastEndpoint!)
      zsub.subscribe(BIN)
      zsub.connect(backend.lastEndpoint!)
      await awaitDelivery(zpub, zsub, BIN)
      await zpub.send([Buffer.from("other")])
      await zpub.send([Buffer.concat([BIN, Buffer.from("x")])])
      t.equal(hex(await recv(zsub)), "00ff0078")
      frontend.close()
      backend.close()
      await within(running, 2000, "proxy ends")
    })
  })
}
