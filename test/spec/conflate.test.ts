// conflate (ZMQ_CONFLATE) on Push, Pull and Dealer over real sockets: a conflated queue keeps
// only the newest whole message (Pub/Sub are covered in pubsub.test.ts), and `reliable`, fixed at
// construction, refuses to be set later.
import t from "tap"
import { Dealer } from "../../lib/socket/dealer.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import type { Pipe } from "../../lib/pipe/pipe.js"
import { freeTcpAddress, uniqAddress, type Transport } from "../helpers/address.js"
import { until, within } from "../helpers/events.js"
import { marry } from "../helpers/marry.js"

function pipesOf(socket: object): Pipe[] {
  return [...(socket as { pipes: Set<Pipe> }).pipes]
}

// The pipe property is transport-independent; these three cover stream, ipc and in-process pipes.
for (const transport of ["tcp", "ipc", "inproc"] as Transport[]) {
  t.test(transport, async (t) => {
    t.test("Push: messages queued for a peer not yet up keep only the newest", async (t) => {
      //  Push (conflate) --connect--> address where Pull binds only after ten sends
      const push = new Push({ conflate: true, sendHighWaterMark: 2, sendTimeout: 0, reconnectInterval: 20 })
      const pull = new Pull()
      t.teardown(() => { push.close(); pull.close() })
      const address = transport === "tcp" ? await freeTcpAddress() : uniqAddress(transport)
      push.connect(address)
      // Past the high-water mark of 2 and with sendTimeout 0: a conflated queue is never full.
      for (let i = 0; i < 10; i++) await push.send(["part", `m${i}`])
      await pull.bind(address)
      t.same((await within(pull.receive(), 5000, "the newest message")).map(String), ["part", "m9"], "only the newest, multipart kept whole")
      t.equal(pull.readable, false, "nothing older")
    })

    t.test("Pull: a burst is conflated to the newest message per peer", async (t) => {
      const pull = new Pull({ conflate: true })
      const push = new Push()
      t.teardown(() => { push.close(); pull.close() })
      await marry(pull, push, transport)
      for (let i = 0; i < 1000; i++) void push.send(`m${i}`)
      await until(() => pipesOf(pull).some((p) => String(p.inbound.peek()?.[0]) === "m999"), 5000, "the last one arrived")
      t.equal(pipesOf(pull).reduce((n, p) => n + p.inbound.length, 0), 1, "one message held")
      t.same((await pull.receive()).map(String), ["m999"])
      t.equal(pull.readable, false)
    })

    t.test("Dealer: conflates what it sends and what it receives", async (t) => {
      const router = new Router()
      const dealer = new Dealer({ conflate: true, routingId: "d" })
      t.teardown(() => { dealer.close(); router.close() })
      await marry(router, dealer, transport)
      for (let i = 0; i < 100; i++) void router.send(["d", `in${i}`])
      await until(() => pipesOf(dealer).some((p) => String(p.inbound.peek()?.[0]) === "in99"), 5000, "in99 arrived")
      t.same((await dealer.receive()).map(String), ["in99"])
      t.equal(dealer.readable, false)
      // Not awaited in between: the queue is flushed after this loop, holding only the last.
      for (let i = 0; i < 100; i++) void dealer.send(`out${i}`)
      t.same((await within(router.receive(), 5000, "out99")).map(String), ["d", "out99"])
    })
  })
}

t.test("without conflate every message of a burst arrives (the control)", async (t) => {
  const pull = new Pull()
  const push = new Push()
  t.teardown(() => { push.close(); pull.close() })
  await marry(pull, push, "inproc")
  for (let i = 0; i < 100; i++) void push.send(`m${i}`)
  const got: string[] = []
  for (let i = 0; i < 100; i++) got.push(String((await within(pull.receive(), 5000, `m${i}`))[0]))
  t.same(got, Array.from({ length: 100 }, (_, i) => `m${i}`))
})

t.test("reliable is fixed at construction: setting it later throws EINVAL", async (t) => {
  const push = new Push({ reliable: true, linger: 0 })
  const dealer = new Dealer({ linger: 0 })
  t.teardown(() => { push.close(); dealer.close() })
  t.throws(() => { push.reliable = false }, { code: "EINVAL", detail: /fixed at construction/ })
  t.throws(() => { dealer.reliable = { ackTimeout: 100 } }, { code: "EINVAL" })
  t.equal(push.reliable, true, "unchanged")
  t.equal(dealer.reliable, false)
  push.linger = 5 // ordinary options still set
  t.equal(push.linger, 5)
})
