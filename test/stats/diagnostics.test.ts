// node:diagnostics_channel: brokerless:connect / :handshake / :disconnect / :error / :drop carry
// the socket and its event (or the drop's reason), from real connections; nothing is published
// to a channel nobody subscribes to; the browser bundle has neither diagnostics_channel nor OTel.
import t from "tap"
import diagnostics from "node:diagnostics_channel"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { diagnosticsChannels, Pull, Push, Router, type ConnectionMessage, type DropMessage } from "../../lib/index.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"
import { REPO_ROOT } from "../helpers/paths.js"
import type { TestCase } from "../helpers/tap.js"

t.setTimeout(20_000)

function record<T>(t: TestCase, name: string): T[] {
  const seen: T[] = []
  const listener = (message: unknown) => seen.push(message as T)
  diagnostics.subscribe(name, listener)
  t.teardown(() => diagnostics.unsubscribe(name, listener))
  return seen
}

t.test("connection channels carry the socket and its event", async (t) => {
  const connects = record<ConnectionMessage>(t, "brokerless:connect")
  const handshakes = record<ConnectionMessage>(t, "brokerless:handshake")
  const disconnects = record<ConnectionMessage>(t, "brokerless:disconnect")
  const push = new Push()
  const pull = new Pull()
  t.teardown(() => { push.close(); pull.close() })
  await push.bind(uniqAddress("tcp"))
  await connectTo(push, pull, push.lastEndpoint!)
  t.same(connects.map((m) => [m.socket === push ? "push" : "pull", m.event.type]).sort(), [["pull", "connect"], ["push", "accept"]])
  const ours = handshakes.find((m) => m.socket === push)!
  t.equal(ours.event.type, "handshake")
  t.same(ours.event.peer, { socketType: "PULL", routingId: undefined })
  t.match(ours.event.remote, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  const gone = nextEvent(push, "disconnect")
  pull.close()
  await gone
  t.ok(disconnects.some((m) => m.socket === push && m.event.peer?.socketType === "PULL"), "disconnect says which peer left")
})

t.test("brokerless:drop says why, and brokerless:error reports failed handshakes", async (t) => {
  const drops = record<DropMessage>(t, diagnosticsChannels.drop)
  const errors = record<ConnectionMessage>(t, diagnosticsChannels.error)
  const router = new Router()
  t.teardown(() => router.close())
  await router.send(["nobody", "x"])
  t.same(drops, [{ socket: router, reason: "noRoute", count: 1 }])

  const pull = new Pull({ handshakeInterval: 200 })
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const push = new Router({ linger: 0 }) // incompatible with PULL: the handshake fails
  t.teardown(() => push.close())
  const failed = nextEvent(pull, "handshake:error:protocol")
  push.connect(pull.lastEndpoint!)
  await failed
  t.ok(errors.some((m) => m.socket === pull && m.event.type === "handshake:error:protocol"))
})

t.test("a channel without subscribers gets nothing published", async (t) => {
  const channel = diagnostics.channel("brokerless:drop")
  t.equal(channel.hasSubscribers, false)
  let published = 0
  const original = channel.publish.bind(channel)
  channel.publish = (message: unknown) => { published++; original(message) }
  t.teardown(() => { channel.publish = original })
  const router = new Router()
  t.teardown(() => router.close())
  await router.send(["nobody", "x"])
  t.equal(router.stats().dropped.noRoute, 1, "counted")
  t.equal(published, 0, "not published")
})

t.test("the browser bundle carries neither diagnostics_channel nor OpenTelemetry", async (t) => {
  const bundle = readFileSync(join(REPO_ROOT, "dist", "browser", "brokerless.js"), "utf8")
  t.notOk(bundle.includes("diagnostics_channel"), "no diagnostics_channel")
  t.notOk(bundle.includes("@opentelemetry"), "no @opentelemetry")
  t.notOk(bundle.includes("brokerless:drop"), "no channel names")
})
