// Publisher/Subscriber over udp:// (our own mapping onto libzmq's Radio/Dish datagrams): a
// message is [topic, body], the topic travels as the datagram's group, and Subscribers filter
// by prefix locally. Publishers and Radios, Subscribers and Dishes, mix on one port.
import t from "tap"
import * as draft from "zeromq/draft.js"
import { Dish } from "../../lib/socket/dish.js"
import { Publisher } from "../../lib/socket/publisher.js"
import { Radio } from "../../lib/socket/radio.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { XPublisher } from "../../lib/socket/xpublisher.js"
import { within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"
import { sendUntilArrived } from "../helpers/probe.js"

const receive = <T>(socket: { receive(): Promise<T> }, what = "receive") => within(socket.receive(), 3000, what)

async function boundSubscriber(t: TestCase, ...prefixes: string[]): Promise<Subscriber> {
  const sub = new Subscriber({ linger: 0 })
  t.teardown(() => sub.close())
  await sub.bind("udp://127.0.0.1:0")
  sub.subscribe(...prefixes)
  return sub
}

t.test("a Publisher's [topic, body] messages reach a bound Subscriber, filtered by prefix", async (t) => {
  const sub = await boundSubscriber(t, "weather.")
  const pub = new Publisher({ linger: 0 })
  t.teardown(() => pub.close())
  pub.connect(sub.lastEndpoint!)
  await pub.send(["sport", "not subscribed"])
  await pub.send(["weather.paris", "21C"])
  t.same((await receive(sub)).map(String), ["weather.paris", "21C"])
})

t.test("a Publisher feeds a Dish (topic = group, exact) and a Radio feeds a Subscriber (prefix)", async (t) => {
  const dish = new Dish({ linger: 0 })
  t.teardown(() => dish.close())
  await dish.bind("udp://127.0.0.1:0")
  dish.join("weather.paris")
  const pub = new Publisher({ linger: 0 })
  t.teardown(() => pub.close())
  pub.connect(dish.lastEndpoint!)
  await pub.send(["weather.paris.extra", "not an exact match"])
  await pub.send(["weather.paris", "21C"])
  const [body, { group }] = await receive(dish)
  t.same([String(group), String(body)], ["weather.paris", "21C"])

  const sub = await boundSubscriber(t, "weather.")
  const radio = new Radio({ linger: 0 })
  t.teardown(() => radio.close())
  radio.connect(sub.lastEndpoint!)
  await radio.send("18C", { group: "weather.lyon" })
  t.same((await receive(sub)).map(String), ["weather.lyon", "18C"])
})

t.test("a libzmq Dish gets a brokerless Publisher's udp messages", async (t) => {
  const dish = new draft.Dish({ linger: 0 })
  t.teardown(() => dish.close())
  // libzmq needs a concrete port: take a free one from a brokerless Subscriber first.
  const probe = await boundSubscriber(t)
  const address = probe.lastEndpoint!
  await probe.unbind(address)
  await dish.bind(address)
  dish.join("jobs")
  const pub = new Publisher({ linger: 0 })
  t.teardown(() => pub.close())
  pub.connect(address)
  // libzmq binds its udp socket on its I/O thread, after bind() returned: datagrams sent
  // before that are lost, so send until one lands (bounded), as with any lossy transport.
  let sent = 0
  const [body, { group }] = await sendUntilArrived(() => pub.send(["jobs", `job ${sent++}`]), receive(dish, "libzmq Dish"), 300)
  t.equal(String(group), "jobs")
  t.match(String(body), /^job \d+$/)
})

t.test("what cannot be one datagram is refused at send()", async (t) => {
  const sub = await boundSubscriber(t, "")
  const pub = new Publisher({ linger: 0 })
  t.teardown(() => pub.close())
  pub.connect(sub.lastEndpoint!)
  await t.rejects(pub.send("one frame"), { code: "EINVAL" })
  await t.rejects(pub.send(["a", "b", "c"]), { code: "EINVAL" })
  await t.rejects(pub.send(["t".repeat(256), "body"]), { code: "EINVAL" })
  await t.rejects(pub.send(["t", Buffer.alloc(8191)]), { code: "EMSGSIZE" })
  await pub.send(["t", Buffer.alloc(8190)])
  const [, body] = await receive(sub)
  t.equal(body!.length, 8190, "the largest that fits arrives")
})

t.test("udp is for Publisher connect and Subscriber bind only", async (t) => {
  const pub = new Publisher({ linger: 0 })
  const sub = new Subscriber({ linger: 0 })
  const xpub = new XPublisher({ linger: 0 })
  t.teardown(() => { pub.close(); sub.close(); xpub.close() })
  await t.rejects(pub.bind("udp://127.0.0.1:0"), { code: "ENOCOMPATPROTO" })
  t.throws(() => sub.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" })
  t.throws(() => xpub.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" })
})
