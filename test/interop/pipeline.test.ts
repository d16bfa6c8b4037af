// Interop with libzmq (the `zeromq` npm package) for Push/Pull and Pair, both directions
// (brokerless binds / libzmq binds) over tcp and ipc, with payloads that hit framing edges.
import t from "tap"
import type { TestCase } from "../helpers/tap.js"
import * as zmq from "zeromq"
import { Pair } from "../../lib/socket/pair.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { WIRE_TRANSPORTS, uniqAddress } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
const PAYLOADS: [string, Buffer[]][] = [
  ["empty message", [Buffer.alloc(0)]],
  ["one octet", [Buffer.from("x")]],
  ["255 octets (largest short frame)", [Buffer.alloc(255, 1)]],
  ["256 octets (smallest long frame)", [Buffer.alloc(256, 2)]],
  ["all byte values", [allBytes]],
  ["multipart with empty frames", [Buffer.from("head"), Buffer.alloc(0), Buffer.alloc(0), Buffer.from("tail")]],
  ["1 MiB", [Buffer.alloc(1024 * 1024, 0x5a)]],
  ["many frames", Array.from({ length: 50 }, (_, i) => Buffer.alloc(i * 7, i))],
]

type Sender = { send(m: Buffer[]): Promise<void>; close(): void }
type Receiver = { receive(): Promise<Buffer[]>; close(): void }

async function exchange(t: TestCase, sender: Sender, receiver: Receiver): Promise<void> {
  for (const [name, frames] of PAYLOADS) {
    // Sent as copies: libzmq 4.3.5's ws client masks the frames of a zero-copy message in place,
    // so zeromq.js callers find their own buffers scrambled after send() (README "ws://").
    await within(sender.send(frames.map((frame) => Buffer.from(frame))), 5000, `send ${name}`)
    const got = await within(receiver.receive(), 5000, `receive ${name}`)
    t.equal(got.length, frames.length, `${name}: frame count`)
    t.ok(got.every((frame, i) => Buffer.compare(frame, frames[i]!) === 0), `${name}: bytes equal`)
  }
}

for (const transport of WIRE_TRANSPORTS) {
  t.test(`${transport}: brokerless Push binds, libzmq Pull connects`, async (t) => {
    const push = new Push()
    const pull = new zmq.Pull()
    t.teardown(() => { push.close(); pull.close() })
    await push.bind(uniqAddress(transport))
    const handshake = nextEvent(push, "handshake")
    pull.connect(push.lastEndpoint!)
    await handshake
    await exchange(t, push, pull)
  })

  t.test(`${transport}: libzmq Push binds, brokerless Pull connects`, async (t) => {
    const push = new zmq.Push()
    const pull = new Pull()
    t.teardown(() => { push.close(); pull.close() })
    await push.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : uniqAddress(transport))
    const handshake = nextEvent(pull, "handshake")
    pull.connect(push.lastEndpoint!)
    await handshake
    await exchange(t, push, pull)
  })

  t.test(`${transport}: libzmq Pull binds, brokerless Push connects and queues before connecting`, async (t) => {
    const pull = new zmq.Pull()
    const push = new Push()
    t.teardown(() => { push.close(); pull.close() })
    await pull.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : uniqAddress(transport))
    push.connect(pull.lastEndpoint!)
    await within(push.send("queued before the handshake"), 1000, "send")
    t.equal(String(await within(pull.receive(), 5000, "receive")), "queued before the handshake")
    await exchange(t, push, pull)
  })

  t.test(`${transport}: brokerless Pull binds, libzmq Push connects`, async (t) => {
    const pull = new Pull()
    const push = new zmq.Push()
    t.teardown(() => { push.close(); pull.close() })
    await pull.bind(uniqAddress(transport))
    push.connect(pull.lastEndpoint!)
    await exchange(t, push, pull)
  })

  t.test(`${transport}: Pair both ways`, async (t) => {
    const ours = new Pair()
    const theirs = new zmq.Pair()
    t.teardown(() => { ours.close(); theirs.close() })
    await ours.bind(uniqAddress(transport))
    const handshake = nextEvent(ours, "handshake")
    theirs.connect(ours.lastEndpoint!)
    await handshake
    await exchange(t, ours, theirs)
    await exchange(t, theirs, ours)
  })

  t.test(`${transport}: libzmq Pair binds, brokerless Pair connects`, async (t) => {
    const theirs = new zmq.Pair()
    const ours = new Pair()
    t.teardown(() => { ours.close(); theirs.close() })
    await theirs.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : uniqAddress(transport))
    const handshake = nextEvent(ours, "handshake")
    ours.connect(theirs.lastEndpoint!)
    await handshake
    await exchange(t, ours, theirs)
    await exchange(t, theirs, ours)
  })
}

t.test("a libzmq Push of the wrong type is refused with an event, others keep working", async (t) => {
  const pull = new Pull()
  const wrong = new zmq.Pull() // PULL to PULL is not a valid pair
  const good = new zmq.Push()
  t.teardown(() => { pull.close(); wrong.close(); good.close() })
  await pull.bind("tcp://127.0.0.1:0")
  // libzmq hangs up as soon as it reads our READY, often before its own READY reaches us, so
  // the refusal shows either as an incompatible type or as a hang-up during the handshake.
  const refused = Promise.race([nextEvent(pull, "handshake:error:protocol"), nextEvent(pull, "handshake:error:other")])
  wrong.connect(pull.lastEndpoint!)
  const event = await refused
  t.match((event.error as { code?: string }).code, /^(ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE|ECONNRESET)$/)
  t.equal(pull.peerCount, 0, "no pipe was created for it")
  good.connect(pull.lastEndpoint!)
  await good.send("still fine")
  t.equal(String(await within(pull.receive(), 5000, "receive")), "still fine")
})
