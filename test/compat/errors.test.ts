// zeromq.js compatibility of failures: every error carries errno and zeromq.js's text for its code
// (our particulars in `detail`), endpoint mistakes give the code zeromq.js gives, a second
// concurrent send/receive throws at once, and close() during bind/unbind waits for it.
import t from "tap"
import { ZmqError, errnoOf, zmqError } from "../../lib/errors.js"
import { Dealer } from "../../lib/socket/dealer.js"
import { Pair } from "../../lib/socket/pair.js"
import { Request } from "../../lib/socket/request.js"
import { Router } from "../../lib/socket/router.js"
import { uniqAddress, TRANSPORTS } from "../helpers/address.js"

t.test("the message is the code's standard text; the particulars are in detail", async (t) => {
  const error = zmqError("EINVAL", "Invalid endpoint \"x\"", { address: "x" })
  t.ok(error instanceof ZmqError)
  t.equal(error.message, "Invalid argument")
  t.equal(error.detail, "Invalid endpoint \"x\"")
  t.equal(error.errno, errnoOf("EINVAL"))
  t.type(error.errno, "number")
  t.equal(error.address, "x")
  t.equal(zmqError("EFSM", "x").errno, 156384763, "libzmq's own numbers are fixed")
  t.equal(zmqError("EBUSY", "Socket is busy writing").message, "Socket is busy writing", "EBUSY keeps the call's text")
  t.equal(zmqError("ERR_ZMTP_CRYPTOGRAPHIC", "box did not open").message, "ZMTP protocol error")
  t.equal(zmqError("ERR_ZAP_BAD_VERSION", "9.9").message, "ZAP protocol error")
  t.equal(zmqError("EACCES", "refused", { status: 400 }).message, "Authentication failure")
  t.equal(zmqError("ERR_JOURNAL_CORRUPT", "bad header").message, "bad header", "our own codes keep our text")
  t.equal(zmqError("ERR_JOURNAL_CORRUPT", "bad header").errno, undefined)
})

for (const transport of TRANSPORTS) {
  t.test(`${transport}: endpoint errors as zeromq.js reports them`, async (t) => {
    const sock = new Dealer({ linger: 0 })
    t.teardown(() => sock.close())
    const address = uniqAddress(transport)
    await t.rejects(sock.unbind(address), { message: "No such endpoint", code: "ENOENT", address })
    await t.rejects(sock.bind("foo-bar"), { message: "Invalid argument", code: "EINVAL", address: "foo-bar" })
    await t.rejects(sock.unbind("foo-bar"), { message: "Invalid argument", code: "EINVAL", address: "foo-bar" })
    await t.rejects(sock.bind("foo://bar"), { message: "Protocol not supported", code: "EPROTONOSUPPORT", address: "foo://bar" })
    await t.rejects(sock.unbind("foo://bar"), { message: "Protocol not supported", code: "EPROTONOSUPPORT" })
    t.throws(() => sock.connect("foo-bar"), { message: "Invalid argument", code: "EINVAL", address: "foo-bar" })
    t.throws(() => sock.disconnect("foo://bar"), { message: "Protocol not supported", code: "EPROTONOSUPPORT" })
    t.throws(() => sock.disconnect(address.replace(":0", ":1")), { message: "No such endpoint", code: "ENOENT" })
  })

  t.test(`${transport}: a bind or unbind blocks the next one with EBUSY`, async (t) => {
    const sock = new Dealer({ linger: 0 })
    t.teardown(() => sock.close())
    const first = sock.bind(uniqAddress(transport))
    const blocked = { code: "EBUSY", message: "Socket is blocked by a bind or unbind operation", errno: errnoOf("EBUSY") }
    await t.rejects(sock.bind(uniqAddress(transport)), blocked)
    await first
    const address = sock.lastEndpoint!
    const unbinding = sock.unbind(address)
    await t.rejects(sock.unbind(address), blocked)
    await unbinding
    t.same(sock.boundEndpoints(), [])
  })

  t.test(`${transport}: close() during bind or unbind takes effect when it settles`, async (t) => {
    const sock = new Dealer({ linger: 0 })
    const binding = sock.bind(uniqAddress(transport))
    sock.close()
    t.equal(sock.closed, false, "still open while the bind runs")
    await binding
    t.equal(sock.closed, true, "closed once the bind resolved")

    const other = new Dealer({ linger: 0 })
    const failing = other.unbind(uniqAddress(transport))
    other.close()
    t.equal(other.closed, false)
    await t.rejects(failing, { code: "ENOENT" })
    t.equal(other.closed, true, "closed once the unbind failed")
  })
}

t.test("cancelled, timed out and closed operations: zeromq.js texts", async (t) => {
  const pair = new Pair({ linger: 0, receiveTimeout: 5 })
  await t.rejects(pair.receive(), { code: "EAGAIN", message: "Operation was not possible or timed out" })
  pair.receiveTimeout = -1
  const pending = pair.receive()
  t.throws(() => pair.receive(), { code: "EBUSY", message: "Socket is busy reading; only one receive operation may be in progress at any time" })
  pair.close()
  await t.rejects(pending, { code: "EAGAIN", message: "Operation was not possible or timed out" })
  await t.rejects(pair.send("x"), { code: "EBADF", message: "Socket is closed", errno: errnoOf("EBADF") })
})

t.test("state and routing errors: zeromq.js texts", async (t) => {
  const req = new Request({ linger: 0 })
  t.teardown(() => req.close())
  await t.rejects(req.receive(), { code: "EFSM", message: "Operation cannot be accomplished in current state" })
  const router = new Router({ linger: 0, mandatory: true })
  t.teardown(() => router.close())
  await t.rejects(router.send(["nobody", "x"]), { code: "EHOSTUNREACH", message: "Host unreachable" })
})

t.test("iterating a Request out of turn reports EFSM even when the socket closes meanwhile", async (t) => {
  const req = new Request({ linger: 0 })
  process.nextTick(() => req.close())
  const drain = async () => {
    for await (const _ of req) t.fail("no message expected")
  }
  await t.rejects(drain(), { code: "EFSM" })
})
