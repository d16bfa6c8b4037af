// Discovery with REAL sockets: advertise()/connect("mdns://name") through bonjour-service inside a
// private network namespace (test/helpers/netns.ts), plus the seeds fallback over real tcp, which
// sends no multicast and so runs on the host network. No sleeps: every wait is an event,
// waitForPeers() or a bounded condition on received messages.
import t, { type Test } from "tap"
import { spawn } from "node:child_process"
import { NETNS_ENV, runsInNetns } from "../helpers/netns.js"
import { events, nextEvent, until, type AnyEvent } from "../helpers/events.js"
import { Push } from "../../lib/socket/push.js"
import { Pull } from "../../lib/socket/pull.js"
import type { SocketBase } from "../../lib/socket/socket-base.js"
import { siblingModule } from "../helpers/paths.js"

const WAIT = 8000 // any discovery or delivery wait; loopback mDNS answers in milliseconds
const TEST = { timeout: 30_000 }
let seq = 0
/** A fresh name per test, so announcements of one test never satisfy another's wait. */
const uniqueName = (): string => `s${process.pid}-${++seq}`

/** Collects everything a Pull receives, from now until it closes. */
function collect(pull: Pull): string[] {
  const got: string[] = []
  void (async () => {
    for await (const [frame] of pull) got.push(String(frame))
  })()
  return got
}

/** Records the connection attempts a socket makes, to prove one was never made. */
function dials(socket: SocketBase): string[] {
  const seen: string[] = []
  for (const type of ["connect:delay", "connect", "handshake"] as const) {
    socket.events.on(type, (e) => seen.push(`${e.type} ${e.address}`))
  }
  return seen
}

function portOf(endpoint: string | null): string {
  return /:(\d+)$/.exec(endpoint ?? "")?.[1] ?? "?"
}

/** Closes every socket when the test ends (also when it fails half-way). */
function closing<T extends SocketBase>(t: Test, socket: T): T {
  t.teardown(() => socket.close())
  return socket
}

// ---- without multicast: the seeds fallback over real tcp (host network) ----------------------

if (process.env[NETNS_ENV] !== "1") {
  t.test("seeds: connect(\"mdns://name\", { discovery }) delivers over real tcp", TEST, async (t) => {
    const pulls = [closing(t, new Pull()), closing(t, new Pull())]
    for (const p of pulls) await p.bind("tcp://127.0.0.1:0")
    const got = pulls.map(collect)
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    const ups = events(push, "discovery:up", 2, WAIT)
    push.connect("mdns://jobs", {
      discovery: { mode: "seeds", seeds: { jobs: pulls.map((p) => p.lastEndpoint!) } },
    })
    const up = await ups
    t.same(up.map((e) => (e.detail as { source: string }).source), ["seeds", "seeds"])
    t.same(up.map((e) => (e.detail as { endpoints: string[] }).endpoints[0]).sort(), pulls.map((p) => p.lastEndpoint).sort())
    await push.waitForPeers(2, { timeout: WAIT })
    for (let i = 0; i < 10; i++) await push.send(`job ${i}`)
    await until(() => got[0]!.length + got[1]!.length === 10, WAIT, "10 jobs delivered")
    t.ok(got[0]!.length > 0 && got[1]!.length > 0, `load-balanced over both seeds (${got[0]!.length}/${got[1]!.length})`)
    t.same([...got[0]!, ...got[1]!].sort(), Array.from({ length: 10 }, (_, i) => `job ${i}`).sort())
  })

  t.test("seeds: the `discovery` socket option applies to every mdns:// connect", TEST, async (t) => {
    const pull = closing(t, new Pull())
    await pull.bind("tcp://127.0.0.1:0")
    const got = collect(pull)
    const push = closing(t, new Push({ sendTimeout: WAIT, discovery: { mode: "seeds", seeds: { work: [pull.lastEndpoint!] } } }))
    push.connect("mdns://work")
    await push.waitForPeers(1, { timeout: WAIT })
    await push.send("hello")
    await until(() => got.length === 1, WAIT, "message delivered")
    t.same(got, ["hello"])
    // The option also makes advertise() inert (nothing to announce in seeds mode): no multicast.
    t.doesNotThrow(() => pull.advertise("work", { discovery: { mode: "seeds", seeds: {} } }))

    // disconnect("mdns://work") drops the seeded peer again.
    const down = nextEvent(push, "discovery:down", WAIT)
    push.disconnect("mdns://work")
    t.equal(((await down).detail as { reason: string }).reason, "stopped")
    t.equal(push.peerCount, 0)
  })

  t.test("seeds from BROKERLESS_DISCOVERY reach a real socket", TEST, async (t) => {
    const pull = closing(t, new Pull())
    await pull.bind("tcp://127.0.0.1:0")
    const got = collect(pull)
    const saved = process.env.BROKERLESS_DISCOVERY
    process.env.BROKERLESS_DISCOVERY = `seeds:envjobs=${pull.lastEndpoint}`
    t.teardown(() => {
      if (saved === undefined) delete process.env.BROKERLESS_DISCOVERY
      else process.env.BROKERLESS_DISCOVERY = saved
    })
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    push.connect("mdns://envjobs")
    await push.waitForPeers(1, { timeout: WAIT })
    await push.send("from env")
    await until(() => got.length === 1, WAIT, "message delivered")
    t.same(got, ["from env"])
  })

  t.test("seeds: disconnect(\"mdns://name\") leaves the user's own connect to the same endpoint", TEST, async (t) => {
    const pull = closing(t, new Pull())
    await pull.bind("tcp://127.0.0.1:0")
    const got = collect(pull)
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    push.connect(pull.lastEndpoint!) // by hand
    push.connect("mdns://same", { discovery: { mode: "seeds", seeds: { same: [pull.lastEndpoint!] } } })
    await push.waitForPeers(2, { timeout: WAIT }) // two connections to one Pull
    const down = nextEvent(push, "discovery:down", WAIT)
    const gone = nextEvent(push, "disconnect", WAIT)
    push.disconnect("mdns://same")
    await down
    await gone
    t.equal(push.peerCount, 1, "the hand-made connection survives")
    await push.send("still here")
    await until(() => got.length === 1, WAIT, "delivery over the remaining connection")
    t.same(got, ["still here"])
    push.disconnect(pull.lastEndpoint!) // and it is still the user's to disconnect
    t.throws(() => push.disconnect(pull.lastEndpoint!), { code: "ENOENT" })
  })

  t.test("advertise()/connect() with a bad name throw EINVAL synchronously", TEST, async (t) => {
    const pull = closing(t, new Pull())
    await pull.bind("tcp://127.0.0.1:0")
    for (const name of ["", "bad.name", "-x", "a".repeat(41), "sp ace"]) {
      t.throws(() => pull.advertise(name), { code: "EINVAL" }, `advertise(${JSON.stringify(name)})`)
      t.throws(() => pull.connect(`mdns://${name}`), { code: "EINVAL" }, `connect("mdns://${name}")`)
    }
    await t.rejects(pull.bind("mdns://jobs"), { code: "EINVAL" }, "mdns:// is not bindable")
    await t.rejects(pull.unadvertise("never"), { code: "ENOENT" })
    t.throws(() => pull.disconnect("mdns://never"), { code: "ENOENT" })
    pull.close()
    t.throws(() => pull.advertise("jobs"), { code: "EBADF" }, "closed socket")
  })
}

// ---- real mDNS, inside a private network namespace --------------------------------------------

t.test("real sockets over real mDNS", async (t) => {
  if (!runsInNetns(t)) return

  t.test("a Push finds two advertised Pulls and load-balances over both", TEST, async (t) => {
    const name = uniqueName()
    const a = closing(t, new Pull())
    const b = closing(t, new Pull())
    a.advertise(name) // before bind: re-announced by the bind
    await a.bind("tcp://127.0.0.1:0")
    await b.bind("tcp://0.0.0.0:0") // wildcard: the browser fills in the announcing address
    b.advertise(name)
    const got = [collect(a), collect(b)]
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    const ups = events(push, "discovery:up", 2, WAIT)
    push.connect(`mdns://${name}`)
    await push.waitForPeers(2, { timeout: WAIT })
    const details = (await ups).map((e) => e.detail as Record<string, unknown>)
    t.same(details.map((d) => d.source), ["mdns", "mdns"])
    t.same(details.map((d) => d.socketType), ["PULL", "PULL"])
    t.same(details.map((d) => (d.endpoints as string[])[0]).sort(),
      [`tcp://127.0.0.1:${portOf(a.lastEndpoint)}`, `tcp://127.0.0.1:${portOf(b.lastEndpoint)}`].sort())
    t.equal((details[0]!.metadata as Record<string, string>).zmtp, "3.1")

    for (let i = 0; i < 20; i++) await push.send(`job ${i}`)
    await until(() => got[0]!.length + got[1]!.length === 20, WAIT, "20 jobs delivered")
    t.equal(got[0]!.length, 10, "round robin: half to the first Pull")
    t.equal(got[1]!.length, 10, "round robin: half to the second Pull")
  })

  t.test("incompatible sockets get nothing and see discovery:ignored", TEST, async (t) => {
    //   Pull a advertises N; Push x advertises N (PUSH-PUSH cannot talk)
    //   Push p connects mdns://N -> a only, ignores x
    //   Pull q connects mdns://N -> x only, ignores a
    const name = uniqueName()
    const a = closing(t, new Pull())
    await a.bind("tcp://127.0.0.1:0")
    a.advertise(name)
    const x = closing(t, new Push({ sendTimeout: WAIT }))
    await x.bind("tcp://127.0.0.1:0")
    x.advertise(name)
    const got = collect(a)

    const p = closing(t, new Push({ sendTimeout: WAIT }))
    const q = closing(t, new Pull())
    const pDials = dials(p)
    const qDials = dials(q)
    const pIgnored = nextEvent(p, "discovery:ignored", WAIT)
    const qIgnored = nextEvent(q, "discovery:ignored", WAIT)
    p.connect(`mdns://${name}`)
    q.connect(`mdns://${name}`)
    const [pi, qi] = (await Promise.all([pIgnored, qIgnored])).map((e) => e.detail as Record<string, unknown>)
    t.equal(pi!.socketType, "PUSH")
    t.match(pi!.reason, /incompatible socket type PUSH for PUSH/)
    t.same(pi!.endpoints, [x.lastEndpoint])
    t.equal(qi!.socketType, "PULL")
    t.match(qi!.reason, /incompatible socket type PULL for PULL/)

    await Promise.all([p.waitForPeers(1, { timeout: WAIT }), q.waitForPeers(1, { timeout: WAIT })])
    t.notOk(pDials.some((d) => d.endsWith(x.lastEndpoint!)), "the Push never dialled the other Push")
    t.notOk(qDials.some((d) => d.endsWith(a.lastEndpoint!)), "the Pull never dialled the other Pull")
    t.equal(p.peerCount, 1)
    t.equal(q.peerCount, 1)
    await p.send("only for a")
    await until(() => got.length === 1, WAIT, "delivery to the compatible peer")
    t.same(got, ["only for a"])
  })

  t.test("a Pull that closes is dropped at once; later traffic all reaches the other", TEST, async (t) => {
    const name = uniqueName()
    const a = closing(t, new Pull())
    const b = closing(t, new Pull())
    await a.bind("tcp://127.0.0.1:0")
    await b.bind("tcp://127.0.0.1:0")
    a.advertise(name)
    b.advertise(name)
    const gotA = collect(a)
    const gotB = collect(b)
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    push.connect(`mdns://${name}`)
    await push.waitForPeers(2, { timeout: WAIT })
    for (let i = 0; i < 4; i++) await push.send(`before ${i}`)
    await until(() => gotA.length === 2 && gotB.length === 2, WAIT, "first batch, two each")

    const aEndpoint = a.lastEndpoint!
    const down = nextEvent(push, "discovery:down", WAIT)
    const disconnected = nextEvent(push, "disconnect", WAIT)
    const started = Date.now()
    a.close()
    const detail = (await down).detail as Record<string, unknown>
    t.ok(Date.now() - started < 3000, "dropped on the goodbye, not after the 120 s TTL")
    t.equal(detail.reason, "goodbye")
    t.same(detail.endpoints, [aEndpoint])
    t.equal((await disconnected).address, aEndpoint)
    t.equal(push.peerCount, 1)

    for (let i = 0; i < 10; i++) await push.send(`after ${i}`)
    await until(() => gotB.length === 12, WAIT, "everything sent after the down event reaches b")
    t.same(gotB.slice(2), Array.from({ length: 10 }, (_, i) => `after ${i}`), "none lost, in order")
    t.equal(gotA.length, 2, "a got nothing more")
  })

  t.test("a Request finds a Reply by name and gets answers", TEST, async (t) => {
    const { Request } = await import("../../lib/socket/request.js")
    const { Reply } = await import("../../lib/socket/reply.js")
    const name = uniqueName()
    const rep = closing(t, new Reply())
    await rep.bind("tcp://127.0.0.1:0")
    rep.advertise(name)
    void (async () => {
      for await (const [question] of rep) await rep.send(`answer to ${question}`)
    })()
    const req = closing(t, new Request({ sendTimeout: WAIT, receiveTimeout: WAIT }))
    req.connect(`mdns://${name}`)
    await req.waitForPeers(1, { timeout: WAIT })
    const answers: string[] = []
    for (let i = 0; i < 3; i++) {
      await req.send(`q${i}`)
      const [answer] = await req.receive()
      answers.push(String(answer))
    }
    t.same(answers, ["answer to q0", "answer to q1", "answer to q2"])
  })

  t.test("a peer restarted on a new port is found again and receives", TEST, async (t) => {
    const name = uniqueName()
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    push.connect(`mdns://${name}`)

    const first = closing(t, new Pull())
    await first.bind("tcp://127.0.0.1:0")
    first.advertise(name, { id: "worker1" })
    const got1 = collect(first)
    await push.waitForPeers(1, { timeout: WAIT })
    await push.send("to the first run")
    await until(() => got1.length === 1, WAIT, "first run receives")

    const down = nextEvent(push, "discovery:down", WAIT)
    first.close() // the process "exits"
    t.equal(((await down).detail as Record<string, unknown>).reason, "goodbye")

    const second = closing(t, new Pull())
    await second.bind("tcp://127.0.0.1:0")
    t.not(second.lastEndpoint, first.lastEndpoint, "a different port")
    const got2 = collect(second)
    const up = nextEvent(push, "discovery:up", WAIT)
    second.advertise(name, { id: "worker1" }) // same identity, new port
    const detail = (await up).detail as Record<string, unknown>
    t.equal(detail.instance, "worker1")
    t.same(detail.endpoints, [second.lastEndpoint])
    await push.waitForPeers(1, { timeout: WAIT })
    await push.send("to the second run")
    await until(() => got2.length === 1, WAIT, "second run receives")
    t.same(got2, ["to the second run"])
    t.same(got1, ["to the first run"])
  })

  t.test("disconnect(\"mdns://name\") disconnects everything it connected and stops browsing", TEST, async (t) => {
    const name = uniqueName()
    const pulls = [closing(t, new Pull()), closing(t, new Pull())]
    for (const p of pulls) {
      await p.bind("tcp://127.0.0.1:0")
      p.advertise(name)
    }
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    push.connect(`mdns://${name}`)
    await push.waitForPeers(2, { timeout: WAIT })

    const downs = events(push, "discovery:down", 2, WAIT)
    const gone = events(push, "disconnect", 2, WAIT)
    push.disconnect(`mdns://${name}`)
    t.same((await downs).map((e) => (e.detail as { reason: string }).reason), ["stopped", "stopped"])
    t.same((await gone).map((e) => e.address).sort(), pulls.map((p) => p.lastEndpoint).sort())
    t.equal(push.peerCount, 0)
    t.throws(() => push.disconnect(`mdns://${name}`), { code: "ENOENT" }, "nothing left to disconnect")

    // A newcomer under the same name: a second browser finds it, the disconnected one does not.
    const seen: AnyEvent[] = []
    push.events.on("discovery:up", (e) => seen.push(e))
    const pushDials = dials(push)
    const witness = closing(t, new Push({ sendTimeout: WAIT }))
    witness.connect(`mdns://${name}`)
    await witness.waitForPeers(2, { timeout: WAIT })
    const late = closing(t, new Pull())
    await late.bind("tcp://127.0.0.1:0")
    const lateUp = nextEvent(witness, "discovery:up", WAIT)
    late.advertise(name)
    await lateUp
    await witness.waitForPeers(3, { timeout: WAIT })
    t.same(seen, [], "no discovery events after disconnect")
    t.same(pushDials, [], "no connection attempts after disconnect")

    // The name can be connected again afterwards.
    push.connect(`mdns://${name}`)
    await push.waitForPeers(3, { timeout: WAIT })
  })

  t.test("a found endpoint disconnected by hand: the peer's later goodbye is harmless", TEST, async (t) => {
    // Regression: the engine's disconnect() of an endpoint the user had already disconnected
    // threw ENOENT from the mDNS callback and crashed the process.
    const name = uniqueName()
    const pull = closing(t, new Pull())
    await pull.bind("tcp://127.0.0.1:0")
    pull.advertise(name)
    const push = closing(t, new Push({ sendTimeout: WAIT }))
    push.connect(`mdns://${name}`)
    await push.waitForPeers(1, { timeout: WAIT })
    push.disconnect(pull.lastEndpoint!)
    t.equal(push.peerCount, 0)
    const down = nextEvent(push, "discovery:down", WAIT)
    pull.close()
    t.equal(((await down).detail as Record<string, unknown>).reason, "goodbye")

    // The name still works afterwards: a new Pull is found and connected.
    const next = closing(t, new Pull())
    await next.bind("tcp://127.0.0.1:0")
    next.advertise(name)
    const got = collect(next)
    await push.waitForPeers(1, { timeout: WAIT })
    await push.send("after the goodbye")
    await until(() => got.length === 1, WAIT, "delivery to the new Pull")
    t.same(got, ["after the goodbye"])
  })

  t.test("a script using advertise + mdns:// exits by itself after close()", { timeout: 45_000 }, async (t) => {
    const fixture = siblingModule(import.meta.url, "./fixtures/socket-exit")
    const child = spawn(process.execPath, [...process.execArgv, fixture], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d: Buffer) => { out += d.toString() })
    // Our own child, by handle. Generous: run as TypeScript, loading the sources can take ~10 s.
    const timer = setTimeout(() => child.kill(), 30_000)
    t.teardown(() => clearTimeout(timer))
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("exit", (c, s) => resolve([c, s])))
    t.equal(signal, null, "not killed by the watchdog")
    t.equal(code, 0)
    t.match(out, /received hello\nreply pong\nclosed\n/)
  })
})
