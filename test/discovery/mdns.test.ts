// Real mDNS through bonjour-service, inside a private network namespace (test/helpers/netns.ts).
import t from "tap"
import { spawn } from "node:child_process"
import { runsInNetns } from "../helpers/netns.js"
import { advertise, browse } from "../../lib/discovery/index.js"
import { bonjourStats } from "../../lib/discovery/bonjour-pool.js"
import { FakeTarget, listen } from "./fixtures/fake-target.js"
import { siblingModule } from "../helpers/paths.js"

let seq = 0
/** A fresh name per test, so announcements of one test never satisfy another's wait. */
const uniqueName = (): string => `t${process.pid}-${++seq}`

if (runsInNetns(t)) {
  t.test("two advertised PULL targets are both found by a PUSH browser", async (t) => {
    //   PULL a (127.0.0.1:P1) --\
    //                            >-- mDNS "name" --> PUSH browser connects to both
    //   PULL b (0.0.0.0:P2)  ---/
    const name = uniqueName()
    const [s1, s2] = [await listen("127.0.0.1"), await listen("0.0.0.0")]
    t.teardown(() => Promise.all([s1.close(), s2.close()]))
    const a = new FakeTarget("PULL", { codec: "msgpack" })
    const b = new FakeTarget("PULL")
    a.bound = [s1.endpoint]
    b.bound = [s2.endpoint]
    const adA = advertise(a, name)
    const adB = advertise(b, name)
    const push = new FakeTarget("PUSH")
    const br = browse(push, name)
    t.teardown(() => Promise.all([br.stop(), adA.stop(), adB.stop()]))

    const want = [`tcp://127.0.0.1:${s1.port}`, `tcp://127.0.0.1:${s2.port}`]
    await push.waitFor("both PULL endpoints", () => want.every((ep) => push.connected.has(ep)))
    t.same([...push.connected].sort(), want.sort(), "wildcard bind resolved to the announcing address")
    const ups = push.eventsOf("discovery:up")
    t.same(ups.map((e) => e.instance).sort(), [adA.id, adB.id].sort(), "one up event per instance")
    const upA = ups.find((e) => e.instance === adA.id)
    t.equal(upA?.socketType, "PULL")
    t.equal(upA?.metadata?.zmtp, "3.1")
    t.equal(upA?.metadata?.["x-codec"], "msgpack")
    t.equal(upA?.source, "mdns")
  })

  t.test("an incompatible PUB advertising the same name is ignored with an event", async (t) => {
    const name = uniqueName()
    const [s1, s2] = [await listen(), await listen()]
    t.teardown(() => Promise.all([s1.close(), s2.close()]))
    const pub = new FakeTarget("PUB")
    const pull = new FakeTarget("PULL")
    pub.bound = [s1.endpoint]
    pull.bound = [s2.endpoint]
    const ads = [advertise(pub, name), advertise(pull, name)]
    const push = new FakeTarget("PUSH")
    const br = browse(push, name)
    t.teardown(() => Promise.all([br.stop(), ...ads.map((a) => a.stop())]))

    await push.waitFor("ignored PUB and connected PULL", () =>
      push.eventsOf("discovery:ignored").length > 0 && push.connected.has(s2.endpoint))
    const ignored = push.eventsOf("discovery:ignored")
    t.equal(ignored.length, 1, "reported once")
    t.equal(ignored[0]?.socketType, "PUB")
    t.match(ignored[0]?.reason, /incompatible/)
    t.notOk(push.connected.has(s1.endpoint), "PUB endpoint never connected")
  })

  t.test("stop() sends a goodbye: the browser disconnects at once, not after the TTL", async (t) => {
    const name = uniqueName()
    const s = await listen()
    t.teardown(() => s.close())
    const pull = new FakeTarget("PULL")
    pull.bound = [s.endpoint]
    const ad = advertise(pull, name)
    const push = new FakeTarget("PUSH")
    const br = browse(push, name)
    t.teardown(() => Promise.all([br.stop(), ad.stop()]))
    await push.waitFor("connect", () => push.connected.has(s.endpoint))

    const started = Date.now()
    await ad.stop()
    // The SRV TTL is 120 s: anything under a few seconds can only be the goodbye.
    await push.waitFor("disconnect", () => !push.connected.has(s.endpoint), 5000)
    t.ok(Date.now() - started < 5000)
    const down = push.eventsOf("discovery:down")
    t.equal(down.length, 1)
    t.equal(down[0]?.reason, "goodbye")
    t.same(down[0]?.endpoints, [s.endpoint])
  })

  t.test("refresh() after rebinding on a new port: new endpoint connected, then old one dropped", async (t) => {
    const name = uniqueName()
    const [s1, s2] = [await listen(), await listen()]
    t.teardown(() => Promise.all([s1.close(), s2.close()]))
    const pull = new FakeTarget("PULL")
    pull.bound = [s1.endpoint]
    const ad = advertise(pull, name)
    const push = new FakeTarget("PUSH")
    const br = browse(push, name)
    t.teardown(() => Promise.all([br.stop(), ad.stop()]))
    await push.waitFor("first port", () => push.connected.has(s1.endpoint))

    pull.bound = [s2.endpoint] // unbind P1, bind P2
    ad.refresh()
    await push.waitFor("moved to the second port", () => push.connected.has(s2.endpoint) && !push.connected.has(s1.endpoint))
    t.same(push.calls, [`connect ${s1.endpoint}`, `connect ${s2.endpoint}`, `disconnect ${s1.endpoint}`])
    t.equal(push.eventsOf("discovery:down").length, 0, "the instance never went down")
    t.equal(push.eventsOf("discovery:up").at(-1)?.reason, "changed")
  })

  t.test("an advertiser restarted on a new port is found again", async (t) => {
    const name = uniqueName()
    const [s1, s2] = [await listen(), await listen()]
    t.teardown(() => Promise.all([s1.close(), s2.close()]))
    const push = new FakeTarget("PUSH")
    const br = browse(push, name)
    t.teardown(() => br.stop())
    const first = new FakeTarget("PULL")
    first.bound = [s1.endpoint]
    const ad1 = advertise(first, name, { id: "worker1" })
    await push.waitFor("first run", () => push.connected.has(s1.endpoint))

    await ad1.stop() // the process exits
    const second = new FakeTarget("PULL")
    second.bound = [s2.endpoint]
    const ad2 = advertise(second, name, { id: "worker1" }) // restarted, same identity, new port
    t.teardown(() => ad2.stop())
    await push.waitFor("second run", () => push.connected.has(s2.endpoint) && !push.connected.has(s1.endpoint))
    t.same(push.calls, [`connect ${s1.endpoint}`, `disconnect ${s1.endpoint}`, `connect ${s2.endpoint}`])
    t.same(push.events.map((e) => [e.type, e.instance]), [
      ["discovery:up", "worker1"], ["discovery:down", "worker1"], ["discovery:up", "worker1"],
    ])
  })

  t.test("one shared bonjour instance for many sockets, destroyed after the last stop", async (t) => {
    const before = bonjourStats()
    t.equal(before.live, 0, "nothing left over from earlier tests")
    const name = uniqueName()
    const servers = await Promise.all([listen(), listen(), listen()])
    t.teardown(() => Promise.all(servers.map((s) => s.close())))
    const pulls = servers.map((s) => Object.assign(new FakeTarget("PULL"), { bound: [s.endpoint] }))
    const ads = pulls.map((p) => advertise(p, name))
    const pushes = [new FakeTarget("PUSH"), new FakeTarget("PUSH")]
    const browses = pushes.map((p) => browse(p, name))
    await Promise.all(pushes.map((p) => p.waitFor("all three", () => p.connected.size === 3)))
    t.same(bonjourStats(), { created: before.created + 1, destroyed: before.destroyed, live: 1 })

    await Promise.all([...ads, ...browses].slice(0, 4).map((x) => x.stop()))
    t.equal(bonjourStats().live, 1, "still held by the last user")
    await browses[1]?.stop()
    t.same(bonjourStats(), { created: before.created + 1, destroyed: before.destroyed + 1, live: 0 })
  })

  t.test("a peer killed without a goodbye expires after the ttl it advertised", async (t) => {
    const name = uniqueName()
    const s = await listen()
    t.teardown(() => s.close())
    const child = spawn(process.execPath, [...process.execArgv, siblingModule(import.meta.url, "./fixtures/advertise-ttl"), s.endpoint, name], { stdio: ["ignore", "pipe", "inherit"] })
    const exited = new Promise((resolve) => child.once("exit", resolve))
    t.teardown(async () => { child.kill("SIGKILL"); await exited }) // our own child, by handle
    const push = new FakeTarget("PUSH")
    const br = browse(push, name, { discovery: { refreshInterval: 300 } })
    t.teardown(() => br.stop())
    await push.waitFor("connect", () => push.connected.has(s.endpoint), 15_000)
    child.kill("SIGKILL")
    await exited
    const killed = Date.now()
    // TTL 2 s, checked every 0.3 s; the default (120 s) could not expire within this wait.
    await push.waitFor("disconnect", () => !push.connected.has(s.endpoint), 6000)
    t.ok(Date.now() - killed < 6000)
    t.equal(push.eventsOf("discovery:down")[0]?.reason, "expired")
  })

  t.test("a script that advertises, browses and stops exits by itself", async (t) => {
    const fixture = siblingModule(import.meta.url, "./fixtures/exit-fixture")
    const child = spawn(process.execPath, [...process.execArgv, fixture], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d: Buffer) => { out += d.toString() })
    const timer = setTimeout(() => child.kill(), 15_000) // kill only our own child, by handle
    t.teardown(() => clearTimeout(timer))
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("exit", (c, s) => resolve([c, s])))
    t.equal(signal, null, "not killed by the watchdog")
    t.equal(code, 0)
    t.match(out, /found tcp:\/\/127\.0\.0\.1:\d+\nstopped\n/)
  })
}
