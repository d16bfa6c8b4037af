// Reliable delivery between sockets of one process: exactly-once streams over every transport,
// a TCP link cut and restored by a relay, back-pressure of the retry buffer, libzmq fallback and
// refusal, Dealer -> Router, the journal across a sender restart, and Request.request().
import t, { type Test } from "tap"
import * as fs from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as zmq from "zeromq"
import { openFileJournal } from "../../lib/reliable/file-journal.js"
import { Dealer } from "../../lib/socket/dealer.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Request } from "../../lib/socket/request.js"
import { Router } from "../../lib/socket/router.js"
import { TRANSPORTS, uniqAddress } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"

/** Receives until `count` distinct messages arrived; returns every message seen, duplicates included. */
async function collect(pull: Pull, count: number, ms = 20_000): Promise<string[]> {
  const seen: string[] = []
  const distinct = new Set<string>()
  await within((async () => {
    while (distinct.size < count) {
      const [frame] = await pull.receive()
      seen.push(String(frame))
      distinct.add(String(frame))
    }
  })(), ms, `receive ${count} messages`)
  return seen
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(from + i))

for (const transport of TRANSPORTS) {
  t.test(`${transport}: reliable Push -> Pull delivers every message once, in order; acks drain the buffer`, async (t) => {
    const push = new Push({ reliable: { ackTimeout: 2000 } })
    const pull = new Pull()
    t.teardown(() => { push.close(); pull.close() })
    await pull.bind(uniqAddress(transport))
    push.connect(pull.lastEndpoint!)
    let ackEvents = 0
    push.events.on("reliable:ack", () => ackEvents++)
    const received = collect(pull, 5000)
    for (const m of range(5000)) await push.send(m)
    t.same(await received, range(5000))
    await until(() => push.reliableStats.unacked === 0, 5000, "all acked")
    const stats = push.reliableStats
    t.equal(stats.sent, 5000)
    t.equal(stats.acked, 5000)
    t.equal(stats.fallback, 0)
    t.ok(ackEvents > 0 && ackEvents < 500, `ack events are batched (${ackEvents} for 5000 messages)`)
  })
}

t.test("Dealer (reliable) -> two Routers: each message acked once; replies flow back plainly", async (t) => {
  const dealer = new Dealer({ reliable: true })
  const routers = [new Router(), new Router()]
  t.teardown(() => { dealer.close(); routers.forEach((r) => r.close()) })
  for (const router of routers) {
    await router.bind(uniqAddress("tcp"))
    dealer.connect(router.lastEndpoint!)
  }
  await dealer.waitForPeers(2, { timeout: 5000 })
  for (const m of range(100)) await dealer.send(["", m])
  const got: string[] = []
  await within(Promise.all(routers.map(async (router) => {
    for (let i = 0; i < 50; i++) {
      const [id, , body] = await router.receive()
      got.push(String(body))
      await router.send([id!, "", `re ${body}`])
    }
  })), 10_000, "routers receive")
  t.same(got.sort(), range(100).sort())
  for (let i = 0; i < 100; i++) t.match(String((await within(dealer.receive(), 5000))[1]), /^re \d+$/)
  await until(() => dealer.reliableStats.unacked === 0, 5000, "all acked")
})

t.test("Dealer <-> Dealer, both reliable: each direction acked; a probe (untracked) reaches the peer bare", async (t) => {
  const left = new Dealer({ reliable: true })
  const right = new Dealer({ reliable: true, probeRouter: true })
  t.teardown(() => { left.close(); right.close() })
  await left.bind(uniqAddress("ipc"))
  right.connect(left.lastEndpoint!)
  t.same((await within(left.receive(), 5000)).map(String), [""], "the probe, without a header frame")
  for (const m of range(50)) await left.send(m)
  for (const m of range(50, 50)) await right.send(m)
  const receiveAll = async (dealer: Dealer) => { const out: Buffer[][] = []; while (out.length < 50) out.push(await dealer.receive()); return out }
  const fromLeft = await within(receiveAll(right), 5000)
  const fromRight = await within(receiveAll(left), 5000)
  t.same(fromLeft.map((f) => String(f[0])), range(50))
  t.same(fromRight.map((f) => String(f[0])), range(50, 50))
  await until(() => left.reliableStats.unacked === 0 && right.reliableStats.unacked === 0, 5000, "both sides acked")
})

/** A TCP relay between `target` and an ephemeral port; cut() drops every connection and stops listening. */
async function relay(t: Test, target: number) {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  let port = 0
  const open = () => new Promise<void>((resolve) => {
    server = net.createServer((inbound) => {
      const outbound = net.connect(target, "127.0.0.1")
      for (const s of [inbound, outbound]) {
        sockets.add(s)
        s.on("error", () => {})
        s.on("close", () => { sockets.delete(s); inbound.destroy(); outbound.destroy() })
      }
      inbound.pipe(outbound).pipe(inbound)
    })
    server.listen(port, "127.0.0.1", () => {
      port = (server!.address() as net.AddressInfo).port
      resolve()
    })
  })
  const cut = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy()
    server!.close(() => resolve())
  })
  await open()
  t.teardown(() => cut())
  return { port: () => port, open, cut }
}

t.test("link cut and restored (TCP relay) mid-stream: nothing lost, nothing duplicated", async (t) => {
  const pull = new Pull()
  const push = new Push({ reliable: { ackTimeout: 1000 }, reconnectInterval: 20 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind("tcp://127.0.0.1:0")
  const link = await relay(t, Number(pull.lastEndpoint!.split(":").pop()))
  push.connect(`tcp://127.0.0.1:${link.port()}`)
  const N = 6000
  const sending = (async () => { for (const m of range(N)) await push.send(m) })()
  const seen: string[] = []
  await within((async () => {
    for (let cuts = 0; seen.length < N; ) {
      seen.push(String((await pull.receive())[0]))
      if (cuts < 3 && seen.length === 1500 * (cuts + 1)) {
        cuts++
        const down = nextEvent(push, "disconnect")
        await link.cut()
        await down
        await link.open()
      }
    }
  })(), 30_000, "stream with cuts")
  await sending
  t.equal(seen.length, N, "no duplicates reached the application")
  t.same([...seen].sort(), range(N).sort(), "every message arrived")
  await until(() => push.reliableStats.unacked === 0, 10_000, "all acked")
  t.ok(push.reliableStats.resent > 0, `re-sends after the cuts (${push.reliableStats.resent})`)
})

t.test("the retry buffer counts against send(): full -> send waits and times out (EAGAIN)", async (t) => {
  const pull = new Pull()
  const push = new Push({ reliable: { bufferSize: 5 }, sendTimeout: 200 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  push.connect(pull.lastEndpoint!)
  for (const m of range(5)) await push.send(m)
  t.equal(push.reliableStats.unacked, 5)
  t.notOk(push.writable, "not writable while the buffer is full")
  await t.rejects(push.send("6"), { code: "EAGAIN" })
  t.same(String((await pull.receive())[0]), "0")
  await within(push.send("6"), 5000, "send after the ack made room")
  t.equal(push.reliableStats.bufferSize, 5)
})

t.test("ack timeout with no acking peer reports reliable:resend and gives up after retries", async (t) => {
  const pull = new Pull()
  const push = new Push({ reliable: { ackTimeout: 100, retries: 2 }, linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  push.connect(pull.lastEndpoint!)
  await push.send("never read")
  const resend = await nextEvent(push, "reliable:resend", 5000)
  t.ok((resend.detail as { resent: number }).resent >= 1)
  await until(() => push.reliableStats.gaveUp === 1, 5000, "given up")
  t.equal(push.reliableStats.resent, 2)
  t.equal(push.reliableStats.unacked, 0)
})

t.test("a libzmq Pull gets plain messages and reliable:fallback fires", async (t) => {
  const pull = new zmq.Pull()
  const push = new Push({ reliable: true })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind("tcp://127.0.0.1:*")
  const fallback = nextEvent(push, "reliable:fallback")
  push.connect(pull.lastEndpoint!)
  for (const m of ["a", "b", ["multi", "part"]]) await push.send(m)
  t.match((await fallback).detail, { peer: "PULL" })
  t.same((await within(pull.receive(), 5000)).map(String), ["a"])
  t.same((await within(pull.receive(), 5000)).map(String), ["b"])
  t.same((await within(pull.receive(), 5000)).map(String), ["multi", "part"], "no header frame reaches libzmq")
  await until(() => push.reliableStats.fallback === 3, 5000, "counted as fallback")
  t.equal(push.reliableStats.unacked, 0, "fallback messages leave the retry buffer")
})

t.test("requirePeerSupport refuses a libzmq Pull (reliable:refused); messages stay buffered", async (t) => {
  const pull = new zmq.Pull({ receiveTimeout: 300 })
  const push = new Push({ reliable: { requirePeerSupport: true }, linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind("tcp://127.0.0.1:*")
  const refused = nextEvent(push, "reliable:refused")
  push.connect(pull.lastEndpoint!)
  await push.send("must not leak")
  t.match((await refused).address, /^tcp:/)
  await t.rejects(pull.receive(), { code: "EAGAIN" }, "libzmq got nothing")
  t.equal(push.reliableStats.unacked, 1)
})

t.test("libzmq Push -> our Pull and our Pull -> plain Push are unaffected", async (t) => {
  const push = new zmq.Push()
  const pull = new Pull()
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  push.connect(pull.lastEndpoint!)
  await push.send(["x", "y"])
  t.same((await within(pull.receive(), 5000)).map(String), ["x", "y"])
})

function journalPath(t: Test): string {
  const dir = fs.mkdtempSync(join(tmpdir(), "brokerless-reliable-"))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return join(dir, "outbox.journal")
}

t.test("journal: unacked messages survive a sender close and are re-sent by the next one", async (t) => {
  const path = journalPath(t)
  const address = uniqAddress("ipc")
  const first = new Push({ reliable: { journal: path }, linger: 0 })
  first.connect(address) // nothing bound yet: everything stays unacked
  for (const m of range(10)) await first.send(m)
  t.equal(first.reliableStats.journal?.records, 10)
  first.close()
  await until(() => !fs.existsSync(path + ".lock"), 5000, "journal released")
  const second = new Push({ reliable: { journal: path } })
  const pull = new Pull()
  t.teardown(() => { second.close(); pull.close() })
  t.equal(second.reliableStats.unacked, 10, "recovered")
  await pull.bind(address)
  second.connect(address)
  await second.send("10")
  t.same(await collect(pull, 11), range(11), "recovered ones first, then new ones, each once")
  await until(() => second.reliableStats.unacked === 0, 5000, "all acked")
})

t.test("journal: a truncated tail is reported as journal:corrupt, never replayed", async (t) => {
  const path = journalPath(t)
  const journal = openFileJournal(path)
  journal.append(0n, [Buffer.from("whole")])
  journal.append(1n, [Buffer.from("torn")])
  await journal.close()
  fs.truncateSync(path, fs.statSync(path).size - 3)
  const push = new Push({ reliable: { journal: path }, linger: 0 })
  t.teardown(() => push.close())
  const event = await nextEvent(push, "journal:corrupt")
  t.match(event.detail, { code: "ERR_JOURNAL_TRUNCATED", path })
  t.equal(event.error && (event.error as { code: string }).code, "ERR_JOURNAL_CORRUPT")
  t.equal(push.reliableStats.unacked, 1, "only the intact record is kept")
})

t.test("option validation", async (t) => {
  t.throws(() => new Push({ reliable: { ackTimeout: 0 } }), { code: "EINVAL" })
  t.throws(() => new Push({ reliable: { fsync: "sometimes" as "always" } }), { code: "EINVAL" })
  t.throws(() => new Push({ reliable: { nope: 1 } as object }), TypeError)
  t.throws(() => new Push({ reliable: 1 as unknown as boolean }), TypeError)
})

/**
 * A Router that plays REP by hand: it holds the first request unanswered, answers the second,
 * then answers the first (late).
 */
t.test("request(): a dropped first attempt is re-sent; the late reply to it is ignored", async (t) => {
  const router = new Router()
  const req = new Request()
  t.teardown(() => { req.close(); router.close() })
  await router.bind(uniqAddress("tcp"))
  req.connect(router.lastEndpoint!)
  const server = (async () => {
    const first = await router.receive() // [id, requestId, "", body]
    const second = await router.receive()
    await router.send([...second.slice(0, 3), "answer to attempt 2"])
    await router.send([...first.slice(0, 3), "late answer to attempt 1"])
    return [first, second]
  })()
  t.equal(String((await within(req.request("q", { timeout: 300, retries: 2 }), 5000))[0]), "answer to attempt 2")
  const [first, second] = await server
  t.notOk(first![1]!.equals(second![1]!), "attempts carry different request ids")
  // The late reply arrives now; the next request must not take it.
  const next = (async () => {
    const request = await router.receive()
    await router.send([...request.slice(0, 3), "answer to the next request"])
  })()
  t.equal(String((await within(req.request("q2", { timeout: 2000 }), 5000))[0]), "answer to the next request")
  await next
})

t.test("request(): EAGAIN after the retries, and the socket is not stuck in EFSM", async (t) => {
  const router = new Router()
  const req = new Request()
  t.teardown(() => { req.close(); router.close() })
  await router.bind(uniqAddress("tcp"))
  req.connect(router.lastEndpoint!)
  await t.rejects(req.request("nobody answers", { timeout: 100, retries: 2 }), { code: "EAGAIN" })
  const attempts = [await router.receive(), await router.receive(), await router.receive()]
  t.equal(attempts.length, 3, "first attempt plus 2 retries")
  await req.send("plain send works") // no EFSM
  const plain = await router.receive()
  await router.send([plain[0]!, "", "plain reply"])
  t.same((await within(req.receive(), 5000)).map(String), ["plain reply"])
  await t.rejects(req.request("x", { timeout: 0 }), { code: "EINVAL" })
})

t.test("request(): retries go round robin to the next Reply", async (t) => {
  const silent = new Router()
  const answering = new Router()
  const req = new Request()
  t.teardown(() => { req.close(); silent.close(); answering.close() })
  for (const r of [silent, answering]) {
    await r.bind(uniqAddress("tcp"))
    req.connect(r.lastEndpoint!)
  }
  await req.waitForPeers(2, { timeout: 5000 })
  const server = (async () => {
    const request = await answering.receive()
    await answering.send([...request.slice(0, 3), "from the live one"])
  })()
  const silentGot = silent.receive()
  t.equal(String((await within(req.request("q", { timeout: 300, retries: 1 }), 5000))[0]), "from the live one")
  await server
  t.equal(String((await silentGot).at(-1)), "q", "the first attempt went to the silent one")
})

t.test("the reliable option exists only where it does something (Push, Dealer)", async (t) => {
  // Receivers always acknowledge; Publisher is not covered: accepting the option there would be
  // a silent no-op, so it is an unknown option (TypeError), like any other.
  for (const make of [() => new Pull({ reliable: true } as never), () => new Router({ reliable: true } as never)]) {
    t.throws(make, TypeError)
  }
  const { Publisher } = await import("../../lib/socket/publisher.js")
  const { Subscriber } = await import("../../lib/socket/subscriber.js")
  t.throws(() => new Publisher({ reliable: true } as never), TypeError)
  t.throws(() => new Subscriber({ reliable: true } as never), TypeError)
  const push = new Push({ reliable: true, linger: 0 })
  t.teardown(() => push.close())
  t.ok(push.reliable, "a Push takes it")
})
