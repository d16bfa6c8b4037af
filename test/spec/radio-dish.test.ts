// Radio/Dish (libzmq draft RADIO/DISH) on every transport: exact-match groups, join/leave with
// JOIN/LEAVE commands, joins re-sent after reconnect, fan-out to several Dishes, never blocking,
// the [body, { group }] shape, argument errors, a codec, and udp:// (unicast here; multicast
// in radio-dish-multicast.test.ts, inside a network namespace).
import t from "tap"
import { createSocket } from "node:dgram"
import { Dish } from "../../lib/socket/dish.js"
import { Radio } from "../../lib/socket/radio.js"
import { Push } from "../../lib/socket/push.js"
import { Pull } from "../../lib/socket/pull.js"
import type { GroupMembers } from "../../lib/pattern/groups.js"
import { TRANSPORTS, uniqAddress, type Transport } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { connectTo, marry } from "../helpers/marry.js"
import { RawPeer, rawCommand, rawFrame } from "../helpers/raw-peer.js"
import type { TestCase } from "../helpers/tap.js"

/** Dishes of a brokerless Radio that joined `group` (observable state: no sleeps). */
function joinedCount(radio: Radio, group: string): number {
  return (radio as unknown as { members: GroupMembers }).members.of(Buffer.from(group)).size
}

const received = (dish: Dish, what = "receive") => within(dish.receive(), 3000, what)
const text = ([body, { group }]: [Buffer, { group: Buffer }]) => `${group}:${body}`

function sockets(t: TestCase): [Radio, Dish] {
  const radio = new Radio({ linger: 0 })
  const dish = new Dish({ linger: 0 })
  t.teardown(() => { radio.close(); dish.close() })
  return [radio, dish]
}

for (const transport of TRANSPORTS as Transport[]) {
  t.test(`${transport}: a Dish gets exactly the groups it joined, as [body, { group }]`, async (t) => {
    const [radio, dish] = sockets(t)
    dish.join("weather", Buffer.from([0xc3, 0xff, 0x00, 0x41]))
    await marry(radio, dish, transport)
    await until(() => joinedCount(radio, "weather") === 1, 3000, "JOIN at the radio")
    await radio.send("no: other group", { group: "sport" })
    await radio.send("no: groups match exactly, not by prefix", { group: "weather.paris" })
    await radio.send("no: nor as a prefix", { group: "weathe" })
    await radio.send("21C", { group: "weather" })
    // Groups are C strings, as in libzmq: each ends at its first 0x00 octet.
    await radio.send(Buffer.from("binary"), { group: Buffer.from([0xc3, 0xff, 0x00, 0x42]) })
    const first = await received(dish)
    t.ok(Buffer.isBuffer(first[0]) && Buffer.isBuffer(first[1].group), "body and group are Buffers")
    t.equal(text(first), "weather:21C")
    const second = await received(dish)
    t.same([...second[1].group], [0xc3, 0xff])
    t.equal(String(second[0]), "binary")
  })

  t.test(`${transport}: leave() stops a group; join() again resumes it`, async (t) => {
    const [radio, dish] = sockets(t)
    dish.join("a", "b")
    await marry(radio, dish, transport)
    await until(() => joinedCount(radio, "a") === 1 && joinedCount(radio, "b") === 1, 3000, "JOINs")
    dish.leave("a")
    await until(() => joinedCount(radio, "a") === 0, 3000, "LEAVE at the radio")
    await radio.send("dropped", { group: "a" })
    await radio.send("kept", { group: "b" })
    t.equal(text(await received(dish)), "b:kept", "nothing of the left group arrived first")
    dish.join("a")
    await until(() => joinedCount(radio, "a") === 1, 3000, "JOIN again")
    await radio.send("back", { group: "a" })
    t.equal(text(await received(dish)), "a:back")
  })

  t.test(`${transport}: each of several Dishes gets its own groups`, async (t) => {
    const radio = new Radio({ linger: 0 })
    const dishes = [new Dish({ linger: 0 }), new Dish({ linger: 0 }), new Dish({ linger: 0 })]
    t.teardown(() => { radio.close(); for (const dish of dishes) dish.close() })
    await radio.bind(uniqAddress(transport))
    dishes[0]!.join("x")
    dishes[1]!.join("y")
    dishes[2]!.join("x", "y")
    for (const dish of dishes) await connectTo(radio, dish, radio.lastEndpoint!)
    await until(() => joinedCount(radio, "x") === 2 && joinedCount(radio, "y") === 2, 3000, "JOINs")
    await radio.send("1", { group: "x" })
    await radio.send("2", { group: "y" })
    t.equal(text(await received(dishes[0]!)), "x:1")
    t.equal(text(await received(dishes[1]!)), "y:2")
    t.same([text(await received(dishes[2]!)), text(await received(dishes[2]!))], ["x:1", "y:2"])
  })
}

t.test("joins made before connecting reach a Radio that binds later, and again after it restarts", async (t) => {
  const address = uniqAddress("ipc")
  const dish = new Dish({ linger: 0, reconnectInterval: 10 })
  t.teardown(() => dish.close())
  dish.join("g")
  dish.connect(address)
  for (const round of [1, 2]) {
    const radio = new Radio({ linger: 0 })
    await radio.bind(address)
    await until(() => joinedCount(radio, "g") === 1, 5000, `JOIN, round ${round}`)
    await radio.send(`round ${round}`, { group: "g" })
    t.equal(text(await received(dish)), `g:round ${round}`)
    const gone = nextEvent(dish, "disconnect")
    radio.close()
    await gone
  }
})

t.test("a Radio never blocks: a Dish that does not read loses messages past its high-water mark", async (t) => {
  const radio = new Radio({ linger: 0, sendHighWaterMark: 10 })
  const dish = new Dish({ linger: 0, receiveHighWaterMark: 10 })
  t.teardown(() => { radio.close(); dish.close() })
  dish.join("g")
  await marry(radio, dish, "tcp")
  await until(() => joinedCount(radio, "g") === 1, 3000, "JOIN")
  await within((async () => { for (let i = 0; i < 20_000; i++) await radio.send(String(i), { group: "g" }) })(), 10_000, "20000 sends")
  t.pass("every send resolved")
  const first = await received(dish)
  t.equal(text(first), "g:0", "the first messages arrive, in order")
})

t.test("argument errors", async (t) => {
  const [radio, dish] = sockets(t)
  dish.join("g")
  t.throws(() => dish.join("g"), { code: "EINVAL" }, "joining twice")
  t.throws(() => dish.leave("never"), { code: "EINVAL" }, "leaving a group not joined")
  t.throws(() => dish.join("x".repeat(256)), { code: "EINVAL" }, "a group over 255 octets")
  t.doesNotThrow(() => dish.join("y".repeat(255)), "255 octets is the limit")
  await t.rejects(radio.send("m", { group: "x".repeat(256) }), { code: "EINVAL" })
  await t.rejects(radio.send("m", {} as { group: string }), { code: "EINVAL" }, "no group")
  await t.rejects(radio.send(["a", "b"], { group: "g" }), { code: "EINVAL" }, "multipart")
  await t.rejects(radio.bind("udp://127.0.0.1:0"), { code: "ENOCOMPATPROTO" }, "a Radio does not bind udp")
  t.throws(() => dish.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" }, "a Dish does not connect udp")
  await t.rejects(dish.bind("udp://eth0;239.1.2.3:5555"), { code: "EINVAL" }, "interfaces are given by address")
  const push = new Push({ linger: 0 })
  t.teardown(() => push.close())
  t.throws(() => push.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" }, "only Radio and Dish use udp")
  dish.close()
  t.throws(() => dish.join("z"), { code: "EBADF" })
})

t.test("an incompatible peer (Pull) is refused by a Radio", async (t) => {
  const radio = new Radio({ linger: 0 })
  const pull = new Pull()
  t.teardown(() => { radio.close(); pull.close() })
  await radio.bind(uniqAddress("tcp"))
  const refused = nextEvent(pull, "handshake:error:protocol")
  pull.connect(radio.lastEndpoint!)
  t.equal((await refused).type, "handshake:error:protocol")
})

t.test("with codec msgpack, a value travels to the Dish", async (t) => {
  const radio = new Radio<unknown>({ linger: 0, codec: "msgpack" })
  const dish = new Dish<unknown>({ linger: 0, codec: "msgpack" })
  t.teardown(() => { radio.close(); dish.close() })
  dish.join("orders")
  await marry(radio, dish, "inproc")
  await until(() => joinedCount(radio, "orders") === 1, 3000, "JOIN")
  await radio.send({ id: 7, items: ["a"] }, { group: "orders" })
  const [value, { group }] = await within(dish.receive(), 3000, "receive")
  t.same(value, { id: 7, items: ["a"] })
  t.equal(String(group), "orders")
})

t.test("udp: a Radio sends datagrams to a bound Dish, which keeps only its groups", async (t) => {
  const [radio, dish] = sockets(t)
  await dish.bind("udp://127.0.0.1:0")
  t.match(dish.lastEndpoint, /^udp:\/\/127\.0\.0\.1:[1-9][0-9]*$/, "port 0 resolved")
  dish.join("g")
  radio.connect(dish.lastEndpoint!)
  await radio.send("not joined", { group: "other" })
  await radio.send("hello", { group: "g" })
  t.equal(text(await received(dish)), "g:hello")
})

t.test("udp: a malformed datagram is dropped and the next one arrives", async (t) => {
  const [radio, dish] = sockets(t)
  await dish.bind("udp://127.0.0.1:0")
  dish.join("g")
  const port = Number(dish.lastEndpoint!.split(":").pop())
  const raw = createSocket("udp4")
  t.teardown(() => raw.close())
  // A group length (200) longer than the datagram, then an empty datagram.
  await new Promise<void>((resolve) => raw.send(Buffer.from([200, 0x67]), port, "127.0.0.1", () => resolve()))
  await new Promise<void>((resolve) => raw.send(Buffer.alloc(0), port, "127.0.0.1", () => resolve()))
  radio.connect(dish.lastEndpoint!)
  await radio.send("fine", { group: "g" })
  t.equal(text(await received(dish)), "g:fine")
})

t.test("udp: a message too large for one datagram is refused with EMSGSIZE", async (t) => {
  const [radio, dish] = sockets(t)
  await dish.bind("udp://127.0.0.1:0")
  dish.join("g")
  radio.connect(dish.lastEndpoint!)
  await t.rejects(radio.send(Buffer.alloc(8192), { group: "g" }), { code: "EMSGSIZE" })
  await radio.send(Buffer.alloc(8192 - 2), { group: "g" })
  const [body] = await received(dish)
  t.equal(body.length, 8190, "the largest that fits (1 + group + body = 8192) arrives")
})

t.test("udp: binding a taken port is EADDRINUSE; unbind frees it", async (t) => {
  const first = new Dish({ linger: 0 })
  const second = new Dish({ linger: 0 })
  t.teardown(() => { first.close(); second.close() })
  await first.bind("udp://127.0.0.1:0")
  await t.rejects(second.bind(first.lastEndpoint!), { code: "EADDRINUSE" })
  await first.unbind(first.lastEndpoint!)
  await second.bind(first.lastEndpoint!)
  t.same(second.boundEndpoints(), [first.lastEndpoint])
})

t.test("a malformed Radio peer (messages of 1 or 3 frames) hurts no one", async (t) => {
  const radio = new Radio({ linger: 0 })
  const dish = new Dish({ linger: 0 })
  t.teardown(() => { radio.close(); dish.close() })
  await dish.bind(uniqAddress("tcp"))
  dish.join("g")
  await connectTo(dish, radio, dish.lastEndpoint!)
  await until(() => joinedCount(radio, "g") === 1, 3000, "JOIN")
  const peer = await RawPeer.connect(dish.lastEndpoint!)
  t.teardown(() => peer.destroy())
  await peer.handshake("RADIO")
  const MORE = 1
  peer.send(Buffer.concat([
    rawFrame("g"), // a body without its group frame
    rawFrame("g", MORE), rawFrame("x", MORE), rawFrame("three frames"),
  ]))
  peer.send(Buffer.concat([rawFrame("g", MORE), rawFrame("from the raw peer")]))
  await radio.send("from the good radio", { group: "g" })
  const got = [text(await received(dish)), text(await received(dish))].sort()
  t.same(got, ["g:from the good radio", "g:from the raw peer"], "only well-formed messages arrive")
})

t.test("a JOIN with a group over 255 octets is ignored by a Radio", async (t) => {
  const radio = new Radio({ linger: 0 })
  t.teardown(() => radio.close())
  await radio.bind(uniqAddress("tcp"))
  const peer = await RawPeer.connect(radio.lastEndpoint!)
  t.teardown(() => peer.destroy())
  await peer.handshake("DISH")
  peer.send(Buffer.concat([rawCommand("JOIN", Buffer.alloc(300, 0x61)), rawCommand("JOIN", "ok")]))
  await until(() => joinedCount(radio, "ok") === 1, 3000, "the valid JOIN")
  t.equal(joinedCount(radio, "a".repeat(300)), 0, "the oversize one was not taken")
  t.equal(peer.isClosed, false, "the peer is still connected")
})
