// Stream (libzmq ZMQ_STREAM): raw tcp peers, against plain node:net sockets on the other side.
// [routingId, ""] on connect and on disconnect, [routingId, data] per read, data written as it
// is, an empty frame closes that connection after what was queued before it; connect-side
// routing ids; errors for unknown ids and other transports.
import t from "tap"
import { connect as netConnect, createServer, type Server, type Socket as NetSocket } from "node:net"
import { Stream } from "../../lib/socket/stream.js"
import { within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"

function stream(t: TestCase, options: ConstructorParameters<typeof Stream>[0] = {}): Stream {
  const s = new Stream({ linger: 0, ...options })
  t.teardown(() => s.close())
  return s
}

const portOf = (endpoint: string) => Number(endpoint.split(":").pop())

async function client(t: TestCase, endpoint: string): Promise<NetSocket> {
  const c = netConnect(portOf(endpoint), "127.0.0.1")
  t.teardown(() => c.destroy())
  await within(new Promise((resolve) => c.once("connect", resolve)), 3000, "client connect")
  return c
}

/** Everything `c` receives until the server closes the connection. */
function untilEnd(c: NetSocket): Promise<string> {
  let text = ""
  c.on("data", (chunk) => (text += String(chunk)))
  return within(new Promise((resolve) => c.once("end", () => resolve(text))), 5000, "end of stream")
}

/** Receives until `count` octets of data arrived from one peer (reads may split or merge). */
async function receiveBytes(s: Stream, count: number): Promise<{ id: Buffer; data: string }> {
  let data = ""
  let id: Buffer | undefined
  while (data.length < count) {
    const [from, chunk] = await within(s.receive(), 5000, "data")
    id = from
    data += String(chunk)
  }
  return { id: id!, data }
}

t.test("bound: connect notification, data both ways, close by an empty frame, disconnect notification", async (t) => {
  const s = stream(t)
  await s.bind("tcp://127.0.0.1:0")
  const c = await client(t, s.lastEndpoint!)
  const [id, hello] = await within(s.receive(), 3000, "connect notification")
  t.equal(hello.length, 0, "an empty frame says the peer connected")
  t.equal(id.length, 5, "a generated routing id (0x00 + 32-bit counter, as libzmq)")
  t.equal(id[0], 0)
  c.write("GET / HTTP/1.0\r\n\r\n")
  const request = await receiveBytes(s, 18)
  t.same(request.id, id)
  t.equal(request.data, "GET / HTTP/1.0\r\n\r\n")
  const received = untilEnd(c)
  await s.send([id, "HTTP/1.0 200 OK\r\n\r\n"])
  await s.send([id, "body"])
  await s.send([id, ""])
  t.equal(await received, "HTTP/1.0 200 OK\r\n\r\nbody", "what was sent before the empty frame arrives, then FIN")
  const [goneId, bye] = await within(s.receive(), 3000, "disconnect notification")
  t.same(goneId, id)
  t.equal(bye.length, 0, "an empty frame says the connection is gone")
  await t.rejects(s.send([id, "late"]), { code: "EHOSTUNREACH" }, "the id is gone with its connection")
})

t.test("a peer that hangs up gives the disconnect notification after its last data", async (t) => {
  const s = stream(t)
  await s.bind("tcp://127.0.0.1:0")
  const c = await client(t, s.lastEndpoint!)
  const [id] = await within(s.receive(), 3000, "connect notification")
  c.end("last words")
  t.same(await receiveBytes(s, 10), { id, data: "last words" })
  const [goneId, bye] = await within(s.receive(), 3000, "disconnect notification")
  t.same([goneId, bye.length], [id, 0])
})

t.test("two peers get distinct ids and each gets only its own replies", async (t) => {
  const s = stream(t, { notify: false })
  await s.bind("tcp://127.0.0.1:0")
  const a = await client(t, s.lastEndpoint!)
  a.write("a")
  const fromA = await receiveBytes(s, 1)
  const b = await client(t, s.lastEndpoint!)
  b.write("b")
  const fromB = await receiveBytes(s, 1)
  t.equal(fromA.data, "a", "notify: false gives no empty frames")
  t.equal(fromB.data, "b")
  t.not(fromA.id.toString("hex"), fromB.id.toString("hex"))
  const atA = new Promise<string>((resolve) => a.once("data", (d) => resolve(String(d))))
  const atB = new Promise<string>((resolve) => b.once("data", (d) => resolve(String(d))))
  await s.send([fromB.id, "to b"])
  await s.send([fromA.id, "to a"])
  t.same(await within(Promise.all([atA, atB]), 3000, "replies"), ["to a", "to b"])
})

t.test("connect side: a routing id of our choosing, and a send queued before the connection is up", async (t) => {
  const server: Server = createServer()
  t.teardown(() => server.close())
  const accepted = new Promise<NetSocket>((resolve) => server.once("connection", resolve))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as { port: number }).port
  const s = stream(t)
  s.connect(`tcp://127.0.0.1:${port}`, { routingId: "upstream" })
  await s.send(["upstream", "hello server"])
  const peer = await within(accepted, 3000, "accept")
  t.teardown(() => peer.destroy())
  const got = await within(new Promise<string>((resolve) => peer.once("data", (d) => resolve(String(d)))), 3000, "data at server")
  t.equal(got, "hello server")
  const [id, hello] = await within(s.receive(), 3000, "connect notification")
  t.same([String(id), hello.length], ["upstream", 0])
  peer.write("hello client")
  t.same(await receiveBytes(s, 12), { id: Buffer.from("upstream"), data: "hello client" })
  t.throws(() => s.connect(`tcp://127.0.0.1:${port}`, { routingId: "upstream" }), { code: "EINVAL" }, "the id is taken")
  const ended = new Promise((resolve) => peer.once("end", resolve))
  await s.send(["upstream", ""])
  await t.rejects(s.send(["upstream", "after close"]), { code: "EHOSTUNREACH" }, "a closed connection's id is gone at once")
  await within(ended, 3000, "FIN at the server")
  const [goneId, bye] = await within(s.receive(), 3000, "disconnect notification")
  t.same([String(goneId), bye.length], ["upstream", 0])
})

t.test("bad input: unknown ids, other transports, a message without data", async (t) => {
  const s = stream(t)
  await t.rejects(s.send(["nobody", "x"]), { code: "EHOSTUNREACH" }, "unknown id, whatever mandatory says")
  await t.rejects(s.bind("inproc://raw"), { code: "ENOCOMPATPROTO" })
  t.throws(() => s.connect("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" })
  await t.rejects(s.send(["only-an-id"] as never), { code: "EINVAL" })
  t.equal(s.notify, true, "notify defaults to true (ZMQ_STREAM_NOTIFY)")
  t.equal(s.getBoolOption(73), true, "and reads by libzmq id")
})

t.test("a 4 MiB reply arrives whole (written past the write window, resumed on drain)", async (t) => {
  const s = stream(t, { notify: false })
  await s.bind("tcp://127.0.0.1:0")
  const c = await client(t, s.lastEndpoint!)
  c.write("?")
  const { id } = await receiveBytes(s, 1)
  const big = Buffer.alloc(4 * 1024 * 1024, 0x61)
  let got = 0
  const all = within(new Promise<void>((resolve) => c.on("data", (d) => (got += d.length) === big.length && resolve())), 10000, "4 MiB")
  await s.send([id, big])
  await all
  t.equal(got, big.length)
})
