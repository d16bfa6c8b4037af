// Option receiveMetadata: every received message carries a non-enumerable `metadata` saying who
// sent it (address, routing id, socket type, ZAP user id, CURVE key), over tcp and ipc, with our
// peers and libzmq's; without the option nothing is attached.
import t from "tap"
import * as zmq from "zeromq"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { Dealer } from "../../lib/socket/dealer.js"
import { curveKeyPair } from "../../lib/security/keys.js"
import type { MessageMetadata } from "../../lib/socket/message-metadata.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"
import type { TestCase } from "../helpers/tap.js"

t.setTimeout(30_000)

type WithMetadata = Buffer[] & { metadata?: MessageMetadata }

for (const transport of ["tcp", "ipc"] as const) {
  t.test(`${transport}: each message names the push it came from`, async (t) => {
    //  push1 --+
    //          +--> pull (bind, receiveMetadata)
    //  push2 --+
    const pull = new Pull({ receiveMetadata: true })
    const pushes = [new Push(), new Push()]
    t.teardown(() => { pull.close(); for (const p of pushes) p.close() })
    await pull.bind(uniqAddress(transport))
    const locals: (string | undefined)[] = []
    for (const push of pushes) {
      const shaken = nextEvent(push, "handshake")
      await connectTo(pull, push, pull.lastEndpoint!)
      locals.push((await shaken as { local?: string }).local)
    }
    await pushes[0]!.send("one")
    const first = await within(pull.receive(), 5000, "receive") as WithMetadata
    await pushes[1]!.send("two")
    const second = await within(pull.receive(), 5000, "receive") as WithMetadata
    t.equal(String(first[0]), "one")
    t.same(Object.keys(first), ["0"], "metadata is not enumerable")
    t.equal(first.metadata?.socketType, "PUSH")
    t.equal(first.metadata?.endpoint, pull.lastEndpoint)
    t.equal(first.metadata?.routingId, undefined)
    if (transport === "tcp") {
      t.equal(first.metadata?.address, locals[0], "the address of the first push's connection")
      t.equal(second.metadata?.address, locals[1], "the address of the second push's connection")
      t.not(first.metadata?.address, second.metadata?.address)
      t.equal(first.metadata?.local, pull.lastEndpoint)
    } else {
      t.equal(first.metadata?.local, pull.lastEndpoint)
    }
    t.ok(Object.isFrozen(first.metadata), "shared per connection, so frozen")
  })
}

t.test("without the option nothing is attached", async (t) => {
  const pull = new Pull()
  const push = new Push()
  t.teardown(() => { pull.close(); push.close() })
  await pull.bind(uniqAddress("tcp"))
  await connectTo(pull, push, pull.lastEndpoint!)
  await push.send("plain")
  const message = await within(pull.receive(), 5000, "receive") as WithMetadata
  t.equal(message.metadata, undefined)
})

t.test("Router: the metadata routing id is the one in the first frame", async (t) => {
  const router = new Router({ receiveMetadata: true })
  const dealer = new Dealer({ routingId: "d-1" })
  t.teardown(() => { router.close(); dealer.close() })
  await router.bind(uniqAddress("tcp"))
  await connectTo(router, dealer, router.lastEndpoint!)
  await dealer.send("hi")
  const message = await within(router.receive(), 5000, "receive") as WithMetadata
  t.equal(String(message[0]), "d-1")
  t.equal(String(message.metadata?.routingId), "d-1")
  t.equal(message.metadata?.socketType, "DEALER")
})

/** A ZAP handler that allows everyone and names the user after the mechanism. */
async function zapAllowing(t: TestCase): Promise<void> {
  const handler = new Router({ linger: 0 })
  t.teardown(() => handler.close())
  await handler.bind("inproc://zeromq.zap.01")
  void (async () => {
    for await (const [id, delimiter, version, requestId, , , , mechanism] of handler) {
      await handler.send([id!, delimiter!, version!, requestId!, "200", "OK", `user-of-${String(mechanism)}`, ""])
    }
  })().catch(() => {})
}

t.test("PLAIN: the ZAP handler's user id", async (t) => {
  await zapAllowing(t)
  const pull = new Pull({ plainServer: true, receiveMetadata: true })
  const push = new Push({ plainUsername: "admin", plainPassword: "secret", linger: 0 })
  t.teardown(() => { pull.close(); push.close() })
  await pull.bind(uniqAddress("tcp"))
  await connectTo(pull, push, pull.lastEndpoint!)
  await push.send("authenticated")
  const message = await within(pull.receive(), 5000, "receive") as WithMetadata
  t.equal(message.metadata?.userId, "user-of-PLAIN")
  t.equal(message.metadata?.curvePublicKey, undefined)
})

t.test("CURVE, libzmq client: its public key and the ZAP user id", async (t) => {
  await zapAllowing(t)
  const server = curveKeyPair()
  const client = zmq.curveKeyPair()
  const pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey, receiveMetadata: true })
  const push = new zmq.Push({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey, linger: 0 })
  t.teardown(() => { pull.close(); push.close() })
  await pull.bind(uniqAddress("tcp"))
  const shaken = nextEvent(pull, "handshake")
  push.connect(pull.lastEndpoint!)
  const shake = await shaken as { remote?: string }
  await push.send("boxed")
  const message = await within(pull.receive(), 5000, "receive") as WithMetadata
  t.equal(String(message[0]), "boxed")
  t.equal(message.metadata?.curvePublicKey, client.publicKey, "the libzmq client's long-term key")
  t.equal(message.metadata?.userId, "user-of-CURVE")
  t.equal(message.metadata?.socketType, "PUSH")
  t.equal(message.metadata?.address, shake.remote)
})

t.test("CURVE client side: the server's key", async (t) => {
  const server = curveKeyPair()
  const client = curveKeyPair()
  const push = new Push({ curveServer: true, curveSecretKey: server.secretKey })
  const pull = new Pull({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey, receiveMetadata: true })
  t.teardown(() => { pull.close(); push.close() })
  await push.bind(uniqAddress("tcp"))
  await connectTo(push, pull, push.lastEndpoint!)
  await push.send("from the server")
  const message = await within(pull.receive(), 5000, "receive") as WithMetadata
  t.equal(message.metadata?.curvePublicKey, server.publicKey)
  t.equal(message.metadata?.userId, undefined, "no ZAP on the client side")
})
