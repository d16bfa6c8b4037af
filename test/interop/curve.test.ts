// CURVE with libzmq (the `zeromq` package) both ways: keys made by either library, multipart
// and large messages in both directions, ZAP at a libzmq server refusing an unknown key, and
// a libzmq server refusing a brokerless client that holds the wrong server key.
import t from "tap"
import * as zmq from "zeromq"
import { Pair } from "../../lib/socket/pair.js"
import { Push } from "../../lib/socket/push.js"
import { curveKeyPair } from "../../lib/security/keys.js"
import { z85Decode } from "../../lib/security/z85.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"

interface AnyPair {
  send(message: Array<string | Buffer> | Buffer | string): Promise<void>
  receive(): Promise<Buffer[]>
  close(): void
}

async function exchange(t: TestCase, a: AnyPair, b: AnyPair): Promise<void> {
  const big = Buffer.alloc(300_000)
  for (let i = 0; i < big.length; i++) big[i] = (i * 13) & 0xff
  await b.send(["from", "the client"])
  await b.send(big)
  t.same((await within(a.receive(), 5000, "multipart")).map(String), ["from", "the client"])
  t.ok((await within(a.receive(), 5000, "large"))[0]!.equals(big), "300 kB intact")
  await a.send(["and", "back"])
  t.same((await within(b.receive(), 5000, "reply")).map(String), ["and", "back"])
}

t.test("brokerless client -> libzmq server (keys from zeromq.js)", async (t) => {
  const server = zmq.curveKeyPair()
  const client = zmq.curveKeyPair()
  const a = new zmq.Pair({ curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey, linger: 0 })
  const b = new Pair({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey, linger: 0 })
  t.teardown(() => { b.close(); a.close() })
  await a.bind("tcp://127.0.0.1:*")
  const shaken = nextEvent(b, "handshake")
  b.connect(a.lastEndpoint!)
  await shaken
  await exchange(t, a as unknown as AnyPair, b)
})

t.test("libzmq client -> brokerless server (keys from brokerless)", async (t) => {
  const server = curveKeyPair()
  const client = curveKeyPair()
  const a = new Pair({ curveServer: true, curveSecretKey: server.secretKey })
  const b = new zmq.Pair({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey, linger: 0 })
  t.teardown(() => { b.close(); a.close() })
  await a.bind(uniqAddress("tcp"))
  const shaken = nextEvent(a, "handshake")
  b.connect(a.lastEndpoint!)
  await shaken
  await exchange(t, a, b as unknown as AnyPair)
})

t.test("a libzmq server's ZAP handler refuses an unknown brokerless client key", async (t) => {
  const server = zmq.curveKeyPair()
  const known = zmq.curveKeyPair()
  const handler = new zmq.Router({ linger: 0 })
  t.teardown(() => handler.close())
  await handler.bind("inproc://zeromq.zap.01")
  void (async () => {
    for await (const [id, empty, version, requestId, , , , , key] of handler) {
      const ok = key!.equals(z85Decode(known.publicKey))
      await handler.send([id!, empty!, version!, requestId!, ok ? "200" : "400", ok ? "OK" : "no", "", ""])
    }
  })().catch(() => {})
  const pull = new zmq.Pull({ curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey, linger: 0 })
  t.teardown(() => pull.close())
  await pull.bind("tcp://127.0.0.1:*")
  const stranger = new Push({ curveServerKey: server.publicKey, linger: 0, reconnectInterval: 60_000 })
  t.teardown(() => stranger.close())
  const refused = nextEvent(stranger, "handshake:error:auth")
  stranger.connect(pull.lastEndpoint!)
  t.match((await refused).error, { code: "EACCES", status: 400 })
})

t.test("a brokerless client with the wrong server key is refused by libzmq", async (t) => {
  const server = zmq.curveKeyPair()
  const pull = new zmq.Pull({ curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey, linger: 0 })
  t.teardown(() => pull.close())
  await pull.bind("tcp://127.0.0.1:*")
  const wrong = new Push({ curveServerKey: curveKeyPair().publicKey, linger: 0, reconnectInterval: 60_000 })
  t.teardown(() => wrong.close())
  const failed = nextEvent(wrong, "handshake:error:other")
  wrong.connect(pull.lastEndpoint!)
  t.equal((await failed).type, "handshake:error:other", "libzmq hangs up; we report the failed handshake")
})
