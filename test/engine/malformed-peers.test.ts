// Misbehaving peers over real tcp/ipc, driven byte by byte with raw node:net clients. Each bad
// connection must be closed and reported (event type and ERR_ZMTP_* code), the process must not
// crash, and a well-behaved peer on the same socket keeps delivering before, during and after.
//
//   good Push (brokerless | libzmq) --connect--+
//                                              +--> Pull (bound)
//   raw node:net attacker ------------connect--+
import t from "tap"
import type { TestCase } from "../helpers/tap.js"
import fc from "fast-check"
import * as zmq from "zeromq"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { uniqAddress, type Transport } from "../helpers/address.js"
import { nextEvent, until, within, type AnyEvent } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"
import { RawPeer, rawCommand, rawFrame, rawGreeting, rawReady } from "../helpers/raw-peer.js"

type Test = TestCase

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex")
}

interface Sender { send(message: string): Promise<void> }
interface Receiver { receive(): Promise<Buffer[]> }

/** Messages from the good peer: numbered, checked in order, so none may be lost or duplicated. */
class Flow {
  private sent = 0
  private received = 0
  constructor(private readonly sender: Sender, private readonly receiver: Receiver) {}

  async check(t: Test, count: number, when: string): Promise<void> {
    for (let i = 0; i < count; i++) await within(this.sender.send(`m${this.sent++}`), 3000, `send ${when}`)
    for (let i = 0; i < count; i++) {
      const message = await within(this.receiver.receive(), 3000, `good peer's message ${when}`)
      if (String(message[0]) !== `m${this.received}`) t.fail(`${when}: got ${String(message[0])}, expected m${this.received}`)
      this.received++
    }
    t.pass(`good peer delivered ${count} messages ${when}`)
  }
}

/** Engines a bound socket still tracks (none may outlive its connection). */
function liveEngines(socket: Pull | Push): number {
  const listeners = (socket as unknown as { endpoints: { listeners: { engines: Map<unknown, unknown> }[] } }).endpoints.listeners
  return listeners.reduce((n, l) => n + l.engines.size, 0)
}

interface Attack {
  name: string
  /** Sent right after connecting, before the "during" check (e.g. the valid start of a greeting). */
  opening?: Buffer
  /** Completes a NULL handshake first, as this socket type. */
  handshakeAs?: string
  run(peer: RawPeer, during: () => Promise<void>): Promise<void> | void
  event: "handshake:error:protocol" | "handshake:error:other" | "disconnect"
  code?: string
  options?: { handshakeInterval?: number }
  check?(t: Test, peer: RawPeer): void
  /** Also run against a bound Push (only attacks that never become a working peer). */
  push?: boolean
}

const GREETING = rawGreeting()

const ATTACKS: Attack[] = [
  {
    name: "bad signature", push: true,
    run: (peer) => peer.send(Buffer.concat([hex("fe"), Buffer.alloc(63)])),
    event: "handshake:error:protocol", code: "ERR_ZMTP_INVALID_GREETING",
  },
  {
    name: "ZMTP 2.0 greeting", push: true, opening: GREETING.subarray(0, 10),
    run: (peer) => peer.send(hex("01 08 00 00")), // major 1 = 2.0, socket type PUSH, empty identity
    event: "handshake:error:protocol", code: "ERR_ZMTP_INVALID_GREETING",
  },
  {
    name: "mechanism PLAIN", push: true, opening: GREETING.subarray(0, 11),
    run: (peer) => peer.send(rawGreeting({ mechanism: "PLAIN" }).subarray(11)),
    event: "handshake:error:protocol", code: "ERR_ZMTP_MECHANISM_MISMATCH",
  },
  {
    name: "mechanism CURVE", push: true,
    run: (peer) => peer.send(rawGreeting({ mechanism: "CURVE" })),
    event: "handshake:error:protocol", code: "ERR_ZMTP_MECHANISM_MISMATCH",
  },
  {
    name: "garbage after a valid greeting", opening: GREETING,
    run: (peer) => peer.send(hex("04 05 de ad be ef 00 ff ff ff")),
    event: "handshake:error:protocol", code: "ERR_ZMTP_UNEXPECTED_COMMAND",
  },
  {
    name: "a message frame before READY", push: true, opening: GREETING,
    run: (peer) => peer.send(rawFrame("hello")),
    event: "handshake:error:protocol", code: "ERR_ZMTP_UNEXPECTED_COMMAND",
  },
  {
    name: "PING before READY", opening: GREETING,
    run: (peer) => peer.send(rawCommand("PING", hex("00 00"))),
    event: "handshake:error:protocol", code: "ERR_ZMTP_UNEXPECTED_COMMAND",
  },
  {
    name: "READY without Socket-Type", opening: GREETING,
    run: (peer) => peer.send(rawReady([["Identity", "x"]])),
    event: "handshake:error:protocol", code: "ERR_ZMTP_MALFORMED_COMMAND_READY",
  },
  {
    name: "READY with a truncated property", opening: GREETING,
    run: (peer) => peer.send(rawCommand("READY", hex("0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 09 50 55"))),
    event: "handshake:error:protocol", code: "ERR_ZMTP_INVALID_METADATA",
  },
  {
    name: "incompatible Socket-Type (PUB to a PULL) gets ERROR and is closed", opening: GREETING,
    run: (peer) => peer.send(rawReady([["Socket-Type", "PUB"]])),
    event: "handshake:error:protocol", code: "ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE",
    check: (t, peer) => {
      const error = peer.commands.find((c) => c.name === "ERROR")
      t.ok(error, "the peer got an ERROR command before the close")
      t.match(error?.body.toString("latin1", 7) ?? "", /PUB/, "its reason names the socket type")
    },
  },
  {
    name: "a 2^63 length frame after the handshake", handshakeAs: "PUSH",
    run: (peer) => {
      const header = Buffer.alloc(9)
      header[0] = 0x02
      header.writeBigUInt64BE(1n << 63n, 1)
      peer.send(Buffer.concat([header, Buffer.alloc(4096, 0x41)]))
    },
    // After the handshake a fault is a disconnect (libzmq reports no handshake event either).
    event: "disconnect",
  },
  {
    name: "a truncated frame, then close", handshakeAs: "PUSH",
    run: (peer) => { peer.socket.end(Buffer.concat([hex("01 01 61 00 0a"), Buffer.from("abc")])) },
    event: "disconnect",
  },
  {
    name: "an HTTP request", push: true,
    run: (peer) => peer.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n"),
    event: "handshake:error:protocol", code: "ERR_ZMTP_INVALID_GREETING",
    // Our greeting, then one short READY command frame (flags 0x04, size at octet 65), nothing else.
    check: (t, peer) => t.ok(peer.received.length <= 64 + 2 + (peer.received[65] ?? 0), "nothing but our greeting and READY was sent back"),
  },
  {
    name: "slowloris: one greeting octet per 50 ms against handshakeInterval 300 ms", push: true,
    options: { handshakeInterval: 300 },
    run: async (peer, during) => {
      let sent = 0
      const drip = setInterval(() => {
        if (peer.isClosed || sent === GREETING.length) return clearInterval(drip)
        peer.send(GREETING.subarray(sent, ++sent))
      }, 50)
      peer.closed.then(() => clearInterval(drip), () => {})
      await during()
    },
    event: "handshake:error:other", code: "ETIMEDOUT",
  },
]

async function runAttack(
  t: Test, attack: Attack, socket: Pull | Push, endpoint: string, flow: Flow, subject: Pull | Push,
): Promise<void> {
  await flow.check(t, 3, "before the attack")
  const accepted = nextEvent(subject, "accept", 3000)
  const peer = await RawPeer.connect(endpoint)
  t.teardown(() => peer.destroy())
  await accepted
  if (attack.handshakeAs) {
    const handshake = nextEvent(socket, "handshake", 3000)
    await peer.handshake(attack.handshakeAs)
    await handshake
  }
  if (attack.opening) peer.send(attack.opening)
  const reported = nextEvent(socket, attack.event, 3000)
  let duringChecked = false
  const during = async () => {
    duringChecked = true
    await flow.check(t, 3, "during the attack")
  }
  if (attack.run.length < 2) await during()
  await attack.run(peer, during)
  const event: AnyEvent = await reported
  t.ok(duringChecked)
  if (attack.code) {
    t.equal((event.error as { code?: string } | undefined)?.code, attack.code, `${attack.event} with ${attack.code}`)
  } else {
    t.pass(`${attack.event} event`)
  }
  await within(peer.closed, 3000, "the bad connection to close")
  t.ok(peer.isClosed, "the bad connection is closed")
  if (attack.event === "handshake:error:other") {
    // The drip would need 64 x 50 ms for the greeting alone: only the handshake timer can have
    // ended it (its exact timing is a fake-clock test in test/unit/engine).
    t.notOk(peer.received.length > 64 + 2 + (peer.received[65] ?? 0), "closed before any handshake completed")
  }
  attack.check?.(t, peer)
  await flow.check(t, 3, "after the attack")
  t.equal(liveEngines(socket), 1, "only the good peer's connection is left")
}

for (const transport of ["tcp", "ipc"] as Transport[]) {
  t.test(`${transport}: bound Pull, good brokerless Push`, async (t) => {
    for (const attack of ATTACKS) {
      t.test(attack.name, async (t) => {
        const pull = new Pull(attack.options ?? {})
        const good = new Push()
        t.teardown(() => { good.close(); pull.close() })
        await pull.bind(uniqAddress(transport))
        await connectTo(pull, good, pull.lastEndpoint!)
        await runAttack(t, attack, pull, pull.lastEndpoint!, new Flow(good, pull), pull)
      })
    }
  })
}

t.test("tcp: bound Push, good brokerless Pull", async (t) => {
  for (const attack of ATTACKS.filter((a) => a.push)) {
    t.test(attack.name, async (t) => {
      const push = new Push(attack.options ?? {})
      const good = new Pull()
      t.teardown(() => { good.close(); push.close() })
      await push.bind(uniqAddress("tcp"))
      await connectTo(push, good, push.lastEndpoint!)
      await runAttack(t, attack, push, push.lastEndpoint!, new Flow(push, good), push)
    })
  }
  t.test("incompatible Socket-Type (PUSH to a PUSH) gets ERROR and is closed", async (t) => {
    const push = new Push()
    const good = new Pull()
    t.teardown(() => { good.close(); push.close() })
    await push.bind(uniqAddress("tcp"))
    await connectTo(push, good, push.lastEndpoint!)
    await runAttack(t, {
      name: "PUSH to PUSH", opening: GREETING,
      run: (peer) => peer.send(rawReady([["Socket-Type", "PUSH"]])),
      event: "handshake:error:protocol", code: "ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE",
      check: (t, peer) => t.ok(peer.commands.some((c) => c.name === "ERROR"), "ERROR sent"),
    }, push, push.lastEndpoint!, new Flow(push, good), push)
  })
})

t.test("tcp: bound Pull, good libzmq Push, every attack", async (t) => {
  const pull = new Pull({ handshakeInterval: 300 })
  const good = new zmq.Push()
  t.teardown(() => { good.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const handshake = nextEvent(pull, "handshake", 3000)
  good.connect(pull.lastEndpoint!)
  await handshake
  const flow = new Flow(good, pull)
  for (const attack of ATTACKS) {
    t.test(attack.name, async (t) => {
      await runAttack(t, attack, pull, pull.lastEndpoint!, flow, pull)
    })
  }
})

t.test("raw fuzz: 200 random byte strings, one connection each, never hurt a bound Pull", async (t) => {
  const pull = new Pull({ handshakeInterval: 2000 })
  const good = new Push()
  t.teardown(() => { good.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  await connectTo(pull, good, pull.lastEndpoint!)
  const flow = new Flow(good, pull)
  await flow.check(t, 3, "before the fuzz")
  const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))
  const input = fc.oneof(
    bytes,
    bytes.map((b) => Buffer.concat([GREETING, b])),
    bytes.map((b) => Buffer.concat([GREETING, rawReady([["Socket-Type", "PUSH"]]), b])),
    fc.tuple(fc.nat(63), bytes).map(([cut, b]) => Buffer.concat([GREETING.subarray(0, cut), b])),
  )
  let runs = 0
  await fc.assert(
    fc.asyncProperty(input, async (attack) => {
      runs++
      const peer = await RawPeer.connect(pull.lastEndpoint!)
      try {
        peer.socket.end(attack)
        await within(peer.closed, 3000, "fuzz connection to close")
      } finally {
        peer.destroy()
      }
      return true
    }),
    { seed: 20240611, numRuns: 200 },
  )
  t.equal(runs, 200)
  await flow.check(t, 5, "after the fuzz")
  await until(() => liveEngines(pull) === 1, 3000, "engines released")
  t.equal(liveEngines(pull), 1, "every fuzz connection was released")
})

t.test("a hand-written ZMTP 3.0 peer is accepted and its messages delivered", async (t) => {
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  const handshake = nextEvent(pull, "handshake", 3000)
  const ready = await peer.handshake("PUSH", { minor: 0 })
  await handshake
  t.equal(peer.reader.greeting![10], 3, "we answer major 3")
  t.equal(peer.reader.greeting![11], 1, "and minor 1; the 3.0 peer copes")
  // Socket-Type first, byte for byte as libzmq sends it; X- extension properties may follow.
  const socketType = hex("05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 04 50 55 4c 4c")
  t.equal(ready.body.subarray(0, socketType.length).toString("hex"), socketType.toString("hex"))
  peer.send(Buffer.concat([hex("01 02 68 69 00 00"), rawFrame("hello"), rawFrame(Buffer.alloc(300, 7))]))
  t.same((await within(pull.receive(), 3000, "receive")).map(String), ["hi", ""])
  t.same((await within(pull.receive(), 3000, "receive")).map(String), ["hello"])
  t.ok((await within(pull.receive(), 3000, "receive"))[0]!.equals(Buffer.alloc(300, 7)))
})

t.test("PING gets a PONG echoing its context, at most 16 octets", async (t) => {
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("ipc"))
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  await peer.handshake("PUSH")
  const pongs = () => peer.commands.filter((c) => c.name === "PONG")
  peer.send(rawCommand("PING", Buffer.concat([hex("00 00"), Buffer.from("hello")])))
  await peer.waitFor(() => pongs().length === 1, 3000, "PONG")
  t.equal(pongs()[0]!.body.toString("hex"), Buffer.from("\x04PONGhello").toString("hex"))
  peer.send(rawCommand("PING", Buffer.concat([hex("00 00"), Buffer.from("0123456789abcdefWXYZ")])))
  await peer.waitFor(() => pongs().length === 2, 3000, "second PONG")
  t.equal(pongs()[1]!.body.toString("latin1", 5), "0123456789abcdef", "a 20-octet context is cut to 16")
  peer.send(rawCommand("PING", hex("00 00")))
  await peer.waitFor(() => pongs().length === 3, 3000, "third PONG")
  t.equal(pongs()[2]!.body.length, 5, "an empty context echoes as an empty PONG")
  t.notOk(peer.isClosed)
})

t.test("unknown and malformed commands between frames of a multipart message are ignored", async (t) => {
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  await peer.handshake("PUSH")
  peer.send(Buffer.concat([
    rawFrame("a", 0x01),
    rawCommand("XUNKNOWN", "zz"),
    hex("04 00"), // empty command
    hex("04 02 09 41"), // name length past the body
    rawReady([["Socket-Type", "PUSH"]]), // a second READY
    rawCommand("PONG", "ctx"),
    rawCommand("SUBSCRIBE", "topic"),
    hex("05 00"), // MORE on a command (ignored) and an empty body
    rawFrame("b", 0x01),
    rawFrame(Buffer.alloc(400, 3), 0x01),
    rawCommand("X", Buffer.alloc(300)), // a long command
    rawFrame("c"),
  ]))
  const message = await within(pull.receive(), 3000, "receive")
  t.same(message.map((f) => f.length), [1, 1, 400, 1])
  t.same([message[0], message[1], message[3]].map(String), ["a", "b", "c"])
  peer.send(rawFrame("still alive"))
  t.same((await within(pull.receive(), 3000, "receive")).map(String), ["still alive"])
  t.notOk(peer.isClosed)
})
