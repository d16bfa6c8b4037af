// The shared transport conformance suite, for ipc://, plus ipc specifics
import t from "tap"
import { declareTransportTests } from "./conformance.js"

declareTransportTests(t, "ipc")

import { existsSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { uniqAddress } from "../helpers/address.js"
import { within } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"

t.test("ipc: Linux abstract names (@name) work and leave no file", async (t) => {
  const address = `ipc://@brokerless-${process.pid}-${Date.now()}`
  const pull = new Pull()
  const push = new Push({ linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(address)
  t.equal(pull.lastEndpoint, address)
  await connectTo(pull, push, address)
  await push.send("abstract")
  t.equal(String(await within(pull.receive(), 2000, "receive")), "abstract")
})

t.test("ipc: a stale socket file from a dead process is replaced", async (t) => {
  const address = uniqAddress("ipc")
  const path = address.slice("ipc://".length)
  // A unix socket file nobody listens on: bind a server, then close it without unlinking.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(path, resolve))
  await new Promise<void>((resolve) => { (server as unknown as { _handle: { close(): void } })._handle.close(); resolve() })
  if (!existsSync(path)) writeFileSync(path, "")
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind(address)
  const push = new Push({ linger: 0 })
  t.teardown(() => push.close())
  await connectTo(pull, push, address)
  t.pass("bound over the stale file")
})

t.test("ipc: a live socket file is EADDRINUSE and unbind removes the file", async (t) => {
  const address = uniqAddress("ipc")
  const path = address.slice("ipc://".length)
  const first = new Pull()
  const second = new Pull()
  t.teardown(() => { first.close(); second.close() })
  await first.bind(address)
  t.ok(existsSync(path))
  await t.rejects(second.bind(address), { code: "EADDRINUSE" })
  await first.unbind(address)
  t.notOk(existsSync(path), "file removed")
})

t.test("ipc: a path in a missing directory is ENOENT", async (t) => {
  const pull = new Pull()
  t.teardown(() => pull.close())
  await t.rejects(pull.bind("ipc:///nonexistent-dir-brokerless/x.sock"), { code: "ENOENT" })
})
