// One conformance suite every transport passes (nng NUTS_DECLARE_TRAN_TESTS, mangos TranVerify*).
// Each transport's test file calls declareTransportTests(t, transport).
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { freeAddress, uniqAddress, type Transport } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"
import { marry } from "../helpers/marry.js"

type Tap = typeof import("tap")["default"]

export function declareTransportTests(t: Tap, transport: Transport): void {
  t.test(`${transport}: listen, accept, exchange both ways of binding`, async (t) => {
    for (const pushBinds of [true, false]) {
      const push = new Push({ linger: 0 })
      const pull = new Pull()
      t.teardown(() => { push.close(); pull.close() })
      if (pushBinds) await marry(push, pull, transport)
      else await marry(pull, push, transport)
      await push.send(["hello", transport])
      t.same((await within(pull.receive(), 2000, "receive")).map(String), ["hello", transport])
    }
  })

  t.test(`${transport}: lastEndpoint is the resolved address and connects`, async (t) => {
    const pull = new Pull()
    t.teardown(() => pull.close())
    const requested = uniqAddress(transport)
    await pull.bind(requested)
    t.ok(pull.lastEndpoint, "set")
    if (transport === "tcp") t.match(pull.lastEndpoint, /^tcp:\/\/127\.0\.0\.1:[1-9][0-9]*$/)
    else if (transport === "ws") t.match(pull.lastEndpoint, /^ws:\/\/127\.0\.0\.1:[1-9][0-9]*\/t-/)
    else t.equal(pull.lastEndpoint, requested)
    t.same(pull.boundEndpoints(), [pull.lastEndpoint])
  })

  t.test(`${transport}: binding a taken address is EADDRINUSE`, async (t) => {
    const first = new Pull()
    const second = new Pull()
    t.teardown(() => { first.close(); second.close() })
    await first.bind(uniqAddress(transport))
    await t.rejects(second.bind(first.lastEndpoint!), { code: "EADDRINUSE" })
  })

  t.test(`${transport}: connecting before the peer exists retries, then connects`, async (t) => {
    const address = await freeAddress(transport)
    const push = new Push({ linger: 0, reconnectInterval: 10 })
    t.teardown(() => push.close())
    if (transport !== "inproc") {
      const retry = nextEvent(push, "connect:retry")
      push.connect(address)
      const event = await retry
      t.ok(typeof event.interval === "number" && event.interval >= 10, "retry carries its interval")
    } else {
      push.connect(address)
    }
    await push.send("waited")
    const pull = new Pull()
    t.teardown(() => pull.close())
    await pull.bind(address)
    t.equal(String(await within(pull.receive(), 5000, "receive")), "waited")
  })

  t.test(`${transport}: an 8 MiB message crosses intact`, async (t) => {
    const push = new Push({ linger: 0 })
    const pull = new Pull()
    t.teardown(() => { push.close(); pull.close() })
    await marry(pull, push, transport)
    const big = Buffer.alloc(8 * 1024 * 1024)
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff
    await push.send(big)
    t.ok((await within(pull.receive(), 10000, "receive"))[0]!.equals(big))
  })

  t.test(`${transport}: unbind closes its connections, and the address can be bound again`, async (t) => {
    const pull = new Pull()
    const push = new Push({ linger: 0, reconnectInterval: 10 })
    t.teardown(() => { push.close(); pull.close() })
    const endpoint = await marry(pull, push, transport)
    const gone = nextEvent(push, "disconnect")
    // inproc has no listener: no close event for it, as in libzmq.
    const closed = transport === "inproc" ? undefined : nextEvent(pull, "close")
    await pull.unbind(endpoint)
    await Promise.all([gone, closed])
    await t.rejects(pull.unbind(endpoint), { code: "ENOENT" })
    const again = new Pull()
    t.teardown(() => again.close())
    const back = nextEvent(push, "handshake", 5000)
    await again.bind(endpoint)
    await back
    await push.send("after rebind")
    t.equal(String(await within(again.receive(), 2000, "receive")), "after rebind")
  })

  t.test(`${transport}: close while connecting is clean`, async (t) => {
    const push = new Push({ linger: 0 })
    push.connect(await freeAddress(transport))
    const ended = nextEvent(push, "end", 1000)
    push.close()
    await ended
    t.pass("closed")
  })

  t.test(`${transport}: disconnect() drops the pipe and stops reconnecting`, async (t) => {
    const pull = new Pull()
    const push = new Push({ linger: 0, reconnectInterval: 10 })
    t.teardown(() => { push.close(); pull.close() })
    const endpoint = await marry(pull, push, transport)
    const gone = nextEvent(pull, "disconnect")
    // Both sides report the end, the disconnecting one included (as zeromq.js does).
    const left = nextEvent(push, "disconnect")
    push.disconnect(endpoint)
    await Promise.all([gone, left])
    t.equal(push.peerCount, 0)
    t.throws(() => push.disconnect(endpoint), { code: "ENOENT" })
  })
}
