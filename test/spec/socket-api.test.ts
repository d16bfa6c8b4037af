// The socket contract (README "Sending and receiving", "Options", "Errors") shared by every type: errors and their codes, options,
// high-water marks, timeouts, iteration, events and close.
import t from "tap"
import { Pair } from "../../lib/socket/pair.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { marry } from "../helpers/marry.js"

t.test("options: constructor object and properties share validation", async (t) => {
  const push = new Push({ sendHighWaterMark: 5, linger: 0 })
  t.teardown(() => push.close())
  t.equal(push.sendHighWaterMark, 5)
  t.equal(push.linger, 0)
  t.equal(push.receiveTimeout, -1, "zeromq.js default")
  t.equal(push.reconnectInterval, 100)
  push.linger = 10
  t.equal(push.linger, 10)
  t.throws(() => new Push({ bogus: 1 } as never), TypeError, "unknown option key is a TypeError")
  t.throws(() => new Push({ mandatory: true } as never), TypeError, "an option of another socket type is unknown")
  t.throws(() => { push.sendHighWaterMark = -3 }, { code: "EINVAL" })
  t.throws(() => { push.linger = "x" as never }, TypeError)
  const insecure = new Push({ curveServer: true })
  t.teardown(() => insecure.close())
  t.throws(() => insecure.connect("tcp://127.0.0.1:5555"), { code: "EINVAL" }, "a CURVE server without keys is refused, never run unencrypted")
})

t.test("endpoint errors carry codes", async (t) => {
  const push = new Push({ linger: 0 })
  t.teardown(() => push.close())
  await t.rejects(push.bind("tcp://127.0.0.1"), { code: "EINVAL" }, "missing port")
  await t.rejects(push.bind("bogus://x"), { code: "EPROTONOSUPPORT" })
  await t.rejects(push.bind("nonsense"), { code: "EINVAL" })
  await t.rejects(push.bind("udp://127.0.0.1:5555"), { code: "ENOCOMPATPROTO" })
  t.throws(() => push.connect("tcp://*:5555"), { code: "EINVAL" }, "connect needs a concrete host")
  t.throws(() => push.connect("tcp://127.0.0.1:99999"), { code: "EINVAL" })
  await t.rejects(push.unbind("tcp://127.0.0.1:1"), { code: "ENOENT" })
  t.throws(() => push.disconnect("tcp://127.0.0.1:1"), { code: "ENOENT" })
  await push.bind("tcp://127.0.0.1:0")
  const other = new Pull({ linger: 0 })
  t.teardown(() => other.close())
  await t.rejects(other.bind(push.lastEndpoint!), { code: "EADDRINUSE" })
  await t.rejects(push.bind("tcp://192.0.2.1:0"), { code: "EADDRNOTAVAIL" })
})

t.test("send: a plain object without a codec is a TypeError, not [object Object]", async (t) => {
  const push = new Push({ linger: 0 })
  t.teardown(() => push.close())
  await t.rejects(push.send({ a: 1 } as never), TypeError)
  await t.rejects(push.send([Buffer.from("x"), { a: 1 }] as never), TypeError)
})

t.test("send with no peer: sendTimeout 0 gives EAGAIN, a timeout gives EAGAIN later, a second waiter gives EBUSY", async (t) => {
  const push = new Push({ linger: 0, sendTimeout: 0 })
  t.teardown(() => push.close())
  await t.rejects(push.send("x"), { code: "EAGAIN" })
  push.sendTimeout = 50
  const waiting = push.send("x")
  // Thrown at once (zeromq.js), with its text and errno.
  t.throws(() => push.send("y"), {
    code: "EBUSY",
    errno: 16,
    message: "Socket is busy writing; only one send operation may be in progress at any time",
  })
  // The exact deadline is a fake-clock test (test/unit/socket/parked-linger.test.ts); here the
  // real timer must end the wait.
  await t.rejects(waiting, { code: "EAGAIN" })
})

t.test("receive: timeout 0 gives EAGAIN; a second waiter gives EBUSY; close cancels with EAGAIN", async (t) => {
  const pull = new Pull({ receiveTimeout: 0 })
  await t.rejects(pull.receive(), { code: "EAGAIN" })
  pull.receiveTimeout = -1
  const waiting = pull.receive()
  t.throws(() => pull.receive(), {
    code: "EBUSY",
    message: "Socket is busy reading; only one receive operation may be in progress at any time",
  })
  pull.close()
  await t.rejects(waiting, { code: "EAGAIN", message: "Operation was not possible or timed out" })
  await t.rejects(pull.receive(), { code: "EBADF", message: "Socket is closed" })
  t.throws(() => pull.connect("tcp://127.0.0.1:1"), { code: "EBADF" })
  await t.rejects(pull.bind("tcp://127.0.0.1:0"), { code: "EBADF" })
  t.equal(pull.closed, true)
  pull.close() // idempotent
})

t.test("HWM: a Push whose only peer does not read stops at the high-water marks and waits", async (t) => {
  // push (sndhwm 10) --inproc--> pull (rcvhwm 10, never reads)
  const push = new Push({ sendHighWaterMark: 10, sendTimeout: 0, linger: 0 })
  const pull = new Pull({ receiveHighWaterMark: 10 })
  t.teardown(() => { push.close(); pull.close() })
  await marry(pull, push, "inproc")
  let sent = 0
  for (;;) {
    try {
      await push.send(`m${sent}`)
      sent++
    } catch (error) {
      t.equal((error as { code: string }).code, "EAGAIN")
      // Messages move to the peer on the next flush; keep going until nothing moves any more.
      const before = sent
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      if (push.writable) continue
      if (sent === before) break
    }
  }
  t.ok(sent >= 20 && sent <= 22, `stopped at both high-water marks (${sent} queued)`)
  t.equal(push.writable, false)
  for (let i = 0; i < sent; i++) t.equal(String(await pull.receive()), `m${i}`)
  t.equal(pull.readable, false)
})

t.test("a parked send resumes when the peer drains (no message lost)", async (t) => {
  const push = new Push({ sendHighWaterMark: 2, linger: 0 })
  const pull = new Pull({ receiveHighWaterMark: 2 })
  t.teardown(() => { push.close(); pull.close() })
  await marry(pull, push, "tcp")
  const total = 2000
  const sending = (async () => { for (let i = 0; i < total; i++) await push.send(String(i)) })()
  const received: string[] = []
  for (let i = 0; i < total; i++) received.push(String(await within(pull.receive(), 5000, "receive")))
  await sending
  t.same(received, Array.from({ length: total }, (_, i) => String(i)), "all arrived, in order")
})

t.test("async iteration yields messages and ends when the socket closes", async (t) => {
  const push = new Push({ linger: 0 })
  const pull = new Pull()
  t.teardown(() => push.close())
  await marry(pull, push, "ipc")
  await push.send("a")
  await push.send("b")
  const seen: string[] = []
  for await (const [frame] of pull) {
    seen.push(String(frame))
    if (seen.length === 2) setImmediate(() => pull.close())
  }
  t.same(seen, ["a", "b"])
})

t.test("events: async iterator (or emitter, not both: zeromq.js), ending with 'end' on close", async (t) => {
  const pull = new Pull()
  const seen: { type: string; address?: string }[] = []
  const iterated = (async () => { for await (const event of pull.events) seen.push(event) })()
  await pull.bind(uniqAddress("ipc"))
  pull.close()
  await within(iterated, 2000, "event iteration end")
  t.same(seen[0], { type: "bind", address: pull.lastEndpoint })
  t.equal(seen.at(-1)?.type, "end")

  const push = new Push()
  const bound = nextEvent(push, "bind")
  await push.bind(uniqAddress("ipc"))
  t.equal((await bound).address, push.lastEndpoint, "the emitter sees the same events")
  push.close()
})

t.test("waitForPeers resolves after N handshakes and times out with EAGAIN", async (t) => {
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  await t.rejects(pull.waitForPeers(1, { timeout: 20 }), { code: "EAGAIN" })
  const waiting = pull.waitForPeers(2, { timeout: 5000 })
  const pushes = [new Push({ linger: 0 }), new Push({ linger: 0 })]
  for (const push of pushes) { t.teardown(() => push.close()); push.connect(pull.lastEndpoint!) }
  await waiting
  t.equal(pull.peerCount, 2)
})

t.test("Pair refuses a second peer while the first lives", async (t) => {
  const a = new Pair({ linger: 0 })
  const b = new Pair({ linger: 0 })
  const c = new Pair({ linger: 0 })
  t.teardown(() => { a.close(); b.close(); c.close() })
  const endpoint = await marry(a, b, "tcp")
  c.connect(endpoint)
  await c.send("to nobody?").catch(() => {})
  await b.send("hello")
  t.equal(String(await within(a.receive(), 2000, "receive")), "hello")
  t.equal(a.peerCount, 1)
})

t.test("reconnect: a connecting Push keeps its queue across the peer's restart", async (t) => {
  const address = uniqAddress("ipc")
  const push = new Push({ linger: 0, reconnectInterval: 20 })
  t.teardown(() => push.close())
  let pull = new Pull()
  await pull.bind(address)
  push.connect(address)
  await push.send("one")
  t.equal(String(await within(pull.receive(), 2000, "first")), "one")
  const disconnected = nextEvent(push, "disconnect")
  pull.close()
  await disconnected
  await push.send("queued while down")
  pull = new Pull()
  t.teardown(() => pull.close())
  const retried = nextEvent(push, "handshake", 5000)
  await pull.bind(address)
  await retried
  t.equal(String(await within(pull.receive(), 2000, "after restart")), "queued while down")
})

t.test("linger: close() with queued messages delivers them when the peer appears", async (t) => {
  const address = uniqAddress("ipc")
  const push = new Push({ linger: 2000 })
  push.connect(address)
  await push.send("survives close")
  push.close()
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind(address)
  t.equal(String(await within(pull.receive(), 3000, "lingered message")), "survives close")
})

t.test("linger 0: close() drops queued messages at once", async (t) => {
  const address = uniqAddress("ipc")
  const push = new Push({ linger: 0 })
  push.connect(address)
  await push.send("dropped")
  const ended = nextEvent(push, "end", 1000)
  push.close()
  await ended
  t.pass("closed at once")
})

t.test("maxMessageSize: an oversized send is EMSGSIZE; an oversized frame from a peer drops that peer", async (t) => {
  const push = new Push({ linger: 0, maxMessageSize: 10 })
  t.teardown(() => push.close())
  await t.rejects(push.send(Buffer.alloc(11)), { code: "EMSGSIZE" })
  const pull = new Pull({ maxMessageSize: 100 })
  const sender = new Push({ linger: 0 })
  t.teardown(() => { pull.close(); sender.close() })
  await marry(pull, sender, "tcp")
  await sender.send(Buffer.alloc(100))
  t.equal((await within(pull.receive(), 2000, "fits"))[0]!.length, 100)
  const dropped = nextEvent(pull, "disconnect")
  await sender.send(Buffer.alloc(101))
  await dropped
  t.equal(pull.readable, false, "the oversized message was not delivered")
})

t.test("immediate: messages are not queued on connections that are not up", async (t) => {
  const push = new Push({ immediate: true, sendTimeout: 0, linger: 0 })
  t.teardown(() => push.close())
  push.connect(uniqAddress("ipc"))
  await t.rejects(push.send("x"), { code: "EAGAIN" })
  t.equal(push.writable, false)
})
