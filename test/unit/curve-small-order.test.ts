// CURVE with small-order Curve25519 keys (RFC 7748 section 6.1: the shared secret is all zero, so
// anyone could compute the box key): the handshake fails with ERR_ZMTP_CRYPTOGRAPHIC, on either
// side, never with a throw.
import t from "tap"
import { CurveClient, CurveServer } from "../../lib/security/curve-mechanism.js"
import type { HandshakeStep } from "../../lib/security/mechanism.js"
import * as nacl from "../../lib/security/nacl.js"
import { parseCommand, type Command } from "../../lib/zmtp/command.js"

const ORDER_8 = Uint8Array.from(Buffer.from("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", "hex"))
const allow = async () => ({ statusCode: "200", statusText: "OK", userId: "" })

/** A command frame as encodeCommand writes it (flags, 1- or 8-octet size, body) as a Command. */
const command = (frame: Buffer): Command => parseCommand(frame.subarray(frame[0]! & 0x02 ? 9 : 2))!
const settle = async (step: HandshakeStep): Promise<HandshakeStep> => (step.kind === "pending" ? settle(await step.step) : step)

for (const native of [true, false]) {
  t.test(`${native ? "node:crypto" : "libsodium"} X25519`, async (t) => {
    await nacl.loadSodium()
    nacl.useNodeX25519(native)
    t.teardown(() => void nacl.useNodeX25519(true))
    const server = nacl.keyPair()
    const client = nacl.keyPair()

    t.test("a server refuses a HELLO whose short-term key has small order", async (t) => {
      const hello = command(new CurveClient({ socketType: "DEALER" }, client, server.publicKey).start()[0]!)
      hello.data.set(ORDER_8, 74)
      const s = new CurveServer({ socketType: "ROUTER" }, server, allow, { domain: "", address: "127.0.0.1" })
      const step = await settle(s.onCommand(hello))
      t.equal(step.kind, "fail")
      if (step.kind === "fail") t.equal(step.error.code, "ERR_ZMTP_CRYPTOGRAPHIC")
    })

    t.test("a client configured with a small-order server key fails at WELCOME", async (t) => {
      const c = new CurveClient({ socketType: "DEALER" }, client, ORDER_8)
      const hello = c.start()
      t.equal(hello.length, 1, "HELLO is still sent (sealed so that no server opens it)")
      const s = new CurveServer({ socketType: "ROUTER" }, server, allow, { domain: "", address: "127.0.0.1" })
      t.equal((await settle(s.onCommand(command(hello[0]!)))).kind, "fail", "the server cannot open it")
      const welcome = command(Buffer.concat([Buffer.from([0x04, 8 + 160]), Buffer.from("\x07WELCOME", "latin1"), Buffer.alloc(160)]))
      const step = await settle(c.onCommand(welcome))
      t.equal(step.kind, "fail")
      if (step.kind === "fail") t.equal(step.error.code, "ERR_ZMTP_CRYPTOGRAPHIC")
    })

    t.test("a well-formed handshake still completes", async (t) => {
      const c = new CurveClient({ socketType: "DEALER" }, client, server.publicKey)
      const s = new CurveServer({ socketType: "ROUTER" }, server, allow, { domain: "", address: "127.0.0.1" })
      const welcome = await settle(s.onCommand(command(c.start()[0]!)))
      if (welcome.kind !== "continue") return t.fail(`WELCOME: ${welcome.kind}`)
      const initiate = await settle(c.onCommand(command(welcome.send[0]!)))
      if (initiate.kind !== "continue") return t.fail(`INITIATE: ${initiate.kind}`)
      const ready = await settle(s.onCommand(command(initiate.send[0]!)))
      if (ready.kind !== "ready") return t.fail(`server READY: ${ready.kind}`)
      t.equal((await settle(c.onCommand(command(ready.send[0]!)))).kind, "ready")
    })
  })
}
