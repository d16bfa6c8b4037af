// The shared transport conformance suite, for tcp://, plus tcp specifics
import t from "tap"
import { declareTransportTests } from "./conformance.js"

declareTransportTests(t, "tcp")

import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"
import { connectTo } from "../helpers/marry.js"

async function exchangeVia(t: TestCase, bindAddress: string, connectAddress: (bound: string) => string): Promise<string> {
  const pull = new Pull()
  const push = new Push({ linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(bindAddress)
  await connectTo(pull, push, connectAddress(pull.lastEndpoint!))
  await push.send("ok")
  t.equal(String(await within(pull.receive(), 2000, "receive")), "ok")
  return pull.lastEndpoint!
}

t.test("tcp: IPv6 loopback in brackets", async (t) => {
  const bound = await exchangeVia(t, "tcp://[::1]:0", (ep) => ep)
  t.match(bound, /^tcp:\/\/\[::1\]:\d+$/)
})

t.test("tcp: * binds every interface and reports 0.0.0.0", async (t) => {
  const bound = await exchangeVia(t, "tcp://*:0", (ep) => ep.replace("0.0.0.0", "127.0.0.1"))
  t.match(bound, /^tcp:\/\/0\.0\.0\.0:\d+$/)
})

t.test("tcp: * as the port is ephemeral too", async (t) => {
  const bound = await exchangeVia(t, "tcp://127.0.0.1:*", (ep) => ep)
  t.match(bound, /^tcp:\/\/127\.0\.0\.1:\d+$/)
})

t.test("tcp: host names resolve for bind and connect", async (t) => {
  await exchangeVia(t, "tcp://localhost:0", (ep) => ep.replace(/^tcp:\/\/[^:]+|^tcp:\/\/\[[^\]]+\]/, "tcp://localhost"))
})

t.test("tcp: an unknown host name is EINVAL at bind", async (t) => {
  const pull = new Pull()
  t.teardown(() => pull.close())
  await t.rejects(pull.bind("tcp://no-such-host.invalid:0"), { code: "EINVAL" })
})
