// PLAIN with libzmq (the `zeromq` package) both ways: a brokerless client against a libzmq
// server whose ZAP handler is a zeromq.js Router, and a libzmq client against a brokerless
// server whose ZAP handler is a brokerless Router (each library's handler lives in its own
// inproc namespace). Good credentials pass; bad ones are refused on both sides.
import t from "tap"
import * as zmq from "zeromq"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"

const ZAP = "inproc://zeromq.zap.01"

interface AnyRouter {
  bind(address: string): Promise<void>
  close(): void
  send(frames: Buffer[]): Promise<void>
  [Symbol.asyncIterator](): AsyncIterator<Buffer[]>
}

/** Allows admin/secret; `handler` is a brokerless or a zeromq.js Router. */
async function serveZap(t: TestCase, handler: AnyRouter): Promise<void> {
  t.teardown(() => handler.close())
  await handler.bind(ZAP)
  void (async () => {
    for await (const [id, delimiter, version, requestId, , , , , username, password] of handler as AsyncIterable<Buffer[]>) {
      const ok = String(username) === "admin" && String(password) === "secret"
      await handler.send([id!, delimiter!, version!, requestId!, Buffer.from(ok ? "200" : "400"), Buffer.from(ok ? "OK" : "no"), Buffer.from(""), Buffer.from("")])
    }
  })().catch(() => {})
}

t.test("brokerless PLAIN client -> libzmq PLAIN server", async (t) => {
  await serveZap(t, new zmq.Router({ linger: 0 }) as unknown as AnyRouter)
  const server = new zmq.Pull({ plainServer: true, linger: 0 })
  t.teardown(() => server.close())
  await server.bind("tcp://127.0.0.1:*")

  const good = new Push({ linger: 0, plainUsername: "admin", plainPassword: "secret" })
  t.teardown(() => good.close())
  const shaken = nextEvent(good, "handshake")
  good.connect(server.lastEndpoint!)
  await shaken
  await good.send("from brokerless")
  t.equal(String(await within(server.receive(), 5000, "receive")), "from brokerless")

  const bad = new Push({ linger: 0, plainUsername: "admin", plainPassword: "wrong", reconnectInterval: 60_000 })
  t.teardown(() => bad.close())
  const refused = nextEvent(bad, "handshake:error:auth")
  bad.connect(server.lastEndpoint!)
  // libzmq's ERROR command is malformed ("\x5ERROR"); it is still read as the refusal it is.
  t.match((await refused).error, { code: "EACCES", status: 400 })
})

t.test("libzmq PLAIN client -> brokerless PLAIN server", async (t) => {
  await serveZap(t, new Router({ linger: 0 }) as unknown as AnyRouter)
  const server = new Pull({ plainServer: true })
  t.teardown(() => server.close())
  await server.bind(uniqAddress("tcp"))

  const good = new zmq.Push({ linger: 0, plainUsername: "admin", plainPassword: "secret" })
  t.teardown(() => good.close())
  const shaken = nextEvent(server, "handshake")
  good.connect(server.lastEndpoint!)
  await shaken
  await good.send("from libzmq")
  t.equal(String(await within(server.receive(), 5000, "receive")), "from libzmq")

  const bad = new zmq.Push({ linger: 0, plainUsername: "admin", plainPassword: "wrong", reconnectInterval: 60_000 })
  t.teardown(() => bad.close())
  const refused = nextEvent(server, "handshake:error:auth")
  const clientSide = new Promise<string>((resolve) => {
    void (async () => { for await (const event of bad.events) if (event.type.startsWith("handshake:error")) return resolve(event.type) })()
  })
  bad.connect(server.lastEndpoint!)
  t.match((await refused).error, { code: "EACCES", status: 400 })
  // libzmq 4.3 only reads its own misspelt ERROR, so it reports ours as a protocol error.
  t.match(await within(clientSide, 5000, "libzmq client's handshake error"), /^handshake:error:(auth|protocol)$/)
  t.equal(server.peerCount, 1, "only the good client is a peer")
})
