// zeromq.js compatibility of the event channel: "end" stays readable after close even if nobody
// was reading, receive() afterwards is EBADF, and events.on() switches to emitter mode. Events
// have zeromq.js's shape (our extra fields are not enumerable), bind:error's address is libzmq's,
// and inproc, which has no listener, reports no listener events.
import t from "tap"
import { Dealer } from "../../lib/socket/dealer.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent } from "../helpers/events.js"

t.test("the end event is kept for a reader that comes after close()", async (t) => {
  const sock = new Dealer()
  const events = sock.events
  sock.close()
  t.same(await events.receive(), { type: "end" })
  t.equal(events.closed, true)
  await t.rejects(events.receive(), { code: "EBADF", message: "Socket is closed" })
})

t.test("iteration ends after end", async (t) => {
  const sock = new Dealer()
  const seen: string[] = []
  const done = (async () => {
    for await (const event of sock.events) seen.push(event.type)
  })()
  sock.close()
  await done
  t.same(seen, ["end"])
})

t.test("events.on() puts the channel in emitter mode: receive() then throws", async (t) => {
  const sock = new Dealer()
  t.teardown(() => sock.close())
  const ends: unknown[] = []
  sock.events.on("end", (event) => ends.push(event))
  t.throws(() => sock.events.receive(), /emitter mode/)
  sock.close()
  t.same(ends, [{ type: "end" }])
})

t.test("a second concurrent events.receive() throws EBUSY", async (t) => {
  const sock = new Dealer()
  const first = sock.events.receive()
  t.throws(() => sock.events.receive(), { code: "EBUSY" })
  sock.close()
  t.same(await first, { type: "end" })
})

t.test("connection events look like zeromq.js's { type, address }; remote, local, peer are still readable", async (t) => {
  const server = new Dealer()
  const client = new Dealer({ linger: 0 })
  t.teardown(() => { client.close(); server.close() })
  await server.bind(uniqAddress("tcp"))
  const connected = nextEvent(client, "connect")
  const accepted = nextEvent(server, "accept")
  const shaken = nextEvent(server, "handshake")
  client.connect(server.lastEndpoint!)
  const [connect, accept, handshake] = await Promise.all([connected, accepted, shaken])
  for (const event of [connect, accept, handshake]) {
    t.same(Object.keys(event).sort(), ["address", "type"], `${event.type}: only zeromq.js's fields are enumerable`)
    t.equal(event.address, server.lastEndpoint)
    t.same(JSON.parse(JSON.stringify(event)), { type: event.type, address: server.lastEndpoint })
  }
  const extra = accept as { remote?: string; local?: string }
  t.match(extra.remote, /^tcp:\/\/127\.0\.0\.1:[1-9][0-9]*$/, "accept: the peer's address")
  t.equal(extra.local, server.lastEndpoint, "accept: our end")
  t.match((handshake as { peer?: unknown }).peer, { socketType: "DEALER" }, "handshake: who the peer is")
})

t.test("bind:error names the address without its scheme (libzmq); error.address keeps it", async (t) => {
  const first = new Dealer()
  const second = new Dealer()
  t.teardown(() => { first.close(); second.close() })
  await first.bind(uniqAddress("tcp"))
  const endpoint = first.lastEndpoint!
  const failed = nextEvent(second, "bind:error")
  await t.rejects(second.bind(endpoint), { code: "EADDRINUSE", message: "Address already in use" })
  const event = await failed
  t.equal(`tcp://${String(event.address)}`, endpoint)
  t.match(event.error, { code: "EADDRINUSE", address: endpoint })
})

t.test("inproc has no listener: no bind, accept, close or bind:error events (libzmq); handshake still comes", async (t) => {
  const server = new Dealer()
  const client = new Dealer({ linger: 0 })
  const other = new Dealer()
  t.teardown(() => { client.close(); server.close(); other.close() })
  const seen: string[] = []
  for (const type of ["bind", "accept", "close", "bind:error", "handshake"] as const) {
    server.events.on(type, (event) => seen.push(event.type))
    other.events.on(type, (event) => seen.push(`other ${event.type}`))
  }
  const address = uniqAddress("inproc")
  await server.bind(address)
  await t.rejects(other.bind(address), { code: "EADDRINUSE" })
  const shaken = nextEvent(server, "handshake")
  client.connect(address)
  await shaken
  await server.unbind(address)
  t.same(seen, ["handshake"])
})

t.test("a Subscriber's untyped send() fails as zeromq.js's does", async (t) => {
  const { Subscriber } = await import("../../lib/socket/subscriber.js")
  const sub = new Subscriber()
  t.teardown(() => sub.close())
  const untyped = sub as unknown as { send(message?: unknown): Promise<void> }
  t.throws(() => untyped.send(), { name: "TypeError", message: "Message must be present" })
  await t.rejects(untyped.send("x"), { code: "ENOTSUP", message: "Operation not supported" })
})
