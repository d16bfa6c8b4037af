// CURVE's data phase (lib/security/curve-session.ts) without sockets: a batch is sealed into one
// buffer of adjacent MESSAGE frames, opened in place, nonces must grow (also past 2^32), and both
// NaCl backends produce the same bytes. The socket-level behaviour is in test/spec/curve.test.ts
// and against libzmq in test/interop/curve.test.ts.
import t from "tap"
import tweetnacl from "tweetnacl"
import type { ZmqError } from "../../lib/errors.js"
import type { Command } from "../../lib/zmtp/command.js"
import { encodeCommand } from "../../lib/zmtp/command.js"
import { CurveSession } from "../../lib/security/curve-session.js"
import * as nacl from "../../lib/security/nacl.js"

const key = tweetnacl.randomBytes(32)

function pair(sent = 0n): { client: CurveSession; server: CurveSession } {
  return {
    client: new CurveSession(key, "CurveZMQMESSAGEC", "CurveZMQMESSAGES", { sent, received: 0n }),
    server: new CurveSession(key, "CurveZMQMESSAGES", "CurveZMQMESSAGEC", { sent: 0n, received: sent }),
  }
}

class Sink {
  messages: Buffer[][] = []
  commands: Command[] = []
  errors: ZmqError[] = []
  onSessionMessage(frames: Buffer[]): void {
    this.messages.push(frames.map((frame) => Buffer.from(frame)))
  }
  onSessionCommand(command: Command): void {
    this.commands.push(command)
  }
  onSessionError(error: ZmqError): void {
    this.errors.push(error)
  }
}

/** A whole ZMTP frame's body (what the engine's decoder hands the session). */
const bodyOf = (frame: Buffer): Buffer => frame.subarray((frame[0]! & 0x02) !== 0 ? 9 : 2)
/** The big-endian short nonce counter of a sealed frame. */
const counterOf = (frame: Buffer): bigint => bodyOf(frame).readBigUInt64BE(8)

t.test("a batch is sealed into adjacent frames of one buffer and opens to the same messages", async (t) => {
  await nacl.useNaclBackend("libsodium")
  const { client, server } = pair()
  const messages = [[Buffer.from("a")], [Buffer.alloc(0), Buffer.alloc(300, 7)], [Buffer.alloc(70000, 9)]]
  const out = client.encode([encodeCommand("PING", Buffer.from([0, 10]))], messages)
  t.equal(out.length, 5, "one buffer per frame (a command, four message frames)")
  for (let i = 1; i < out.length; i++) {
    t.equal(out[i]!.buffer, out[0]!.buffer, "one allocation")
    t.equal(out[i]!.byteOffset, out[i - 1]!.byteOffset + out[i - 1]!.length, "adjacent")
  }
  t.same(out.map(counterOf), [1n, 2n, 3n, 4n, 5n], "short nonces count up from 1")
  for (const frame of out) {
    t.equal(frame[0]! & 0x05, 0, "a data frame without MORE, as libzmq sends it")
    t.equal(bodyOf(frame).toString("latin1", 0, 8), "\x07MESSAGE")
  }
  const sink = new Sink()
  for (const frame of out) server.decodeMessage([bodyOf(frame)], sink)
  t.same(sink.errors, [])
  t.same(sink.commands.map((c) => [c.name, [...c.data]]), [["PING", [0, 10]]])
  t.same(sink.messages, messages)
})

t.test("a replayed or reordered MESSAGE closes the connection", async (t) => {
  const { client, server } = pair()
  const [first, second] = client.encode([], [[Buffer.from("one")], [Buffer.from("two")]])
  const sink = new Sink()
  server.decodeMessage([Buffer.from(bodyOf(second!))], sink)
  server.decodeMessage([Buffer.from(bodyOf(first!))], sink)
  t.equal(sink.messages.length, 1)
  t.equal(sink.errors[0]?.code, "ERR_ZMTP_CRYPTOGRAPHIC", "an older nonce is refused")
  const again = new Sink()
  server.decodeMessage([Buffer.from(bodyOf(second!))], again)
  t.equal(again.errors[0]?.code, "ERR_ZMTP_CRYPTOGRAPHIC", "the same nonce twice is refused")
})

t.test("a tampered box is refused and nothing is delivered", async (t) => {
  const { client, server } = pair()
  const [frame] = client.encode([], [[Buffer.from("secret")]])
  const body = Buffer.from(bodyOf(frame!))
  body[body.length - 1]! ^= 1
  const sink = new Sink()
  server.decodeMessage([body], sink)
  t.same(sink.messages, [])
  t.equal(sink.errors[0]?.code, "ERR_ZMTP_CRYPTOGRAPHIC")
})

t.test("nonces past 2^32 are written and compared exactly", async (t) => {
  const start = 2n ** 32n - 2n
  const { client, server } = pair(start)
  const out = client.encode([], [[Buffer.from("a")], [Buffer.from("b")], [Buffer.from("c")]])
  t.same(out.map(counterOf), [start + 1n, start + 2n, start + 3n])
  const sink = new Sink()
  for (const frame of out) server.decodeMessage([bodyOf(frame)], sink)
  t.same(sink.errors, [])
  t.same(sink.messages.map((m) => String(m[0])), ["a", "b", "c"])
  // a peer-chosen counter below the last one, differing only in the high half
  const low = pair(2n ** 32n - 5n).client.encode([], [[Buffer.from("old")]])[0]!
  server.decodeMessage([bodyOf(low)], sink)
  t.equal(sink.errors[0]?.code, "ERR_ZMTP_CRYPTOGRAPHIC")
})

t.test("libsodium and tweetnacl seal a batch to the same bytes", async (t) => {
  const messages = [[Buffer.from("x")], [Buffer.alloc(1000, 3), Buffer.alloc(70, 4)]]
  await nacl.useNaclBackend("tweetnacl")
  const slow = Buffer.concat(pair().client.encode([], messages))
  await nacl.useNaclBackend("libsodium")
  const fast = Buffer.concat(pair().client.encode([], messages))
  t.same(fast, slow)
})
