// zeromq.js compatibility of what send() takes: values with a string form go out as that string,
// plain objects stay a TypeError, and small buffers are copied so they may be reused at once.
import t from "tap"
import { toFrame } from "../../lib/message.js"
import { Pair } from "../../lib/socket/pair.js"
import { marry } from "../helpers/marry.js"

t.test("values coercible to a string are sent as that string", async (t) => {
  const a = new Pair({ linger: 0 })
  const b = new Pair({ linger: 0 })
  t.teardown(() => { a.close(); b.close() })
  await marry(a, b, "inproc")
  const values: unknown[] = [true, 16.19, 12n, new Date(0), Promise.resolve(), function named() {}]
  for (const value of values) await a.send(value as never)
  const received: string[] = []
  for (let i = 0; i < values.length; i++) received.push(String((await b.receive())[0]))
  t.same(received, values.map(String))
})

t.test("plain objects and nested arrays stay a TypeError without a codec", async (t) => {
  t.throws(() => toFrame({ a: 1 }), TypeError)
  t.throws(() => toFrame(Object.create(null)), TypeError)
  t.throws(() => toFrame([1, 2]), TypeError)
  t.throws(() => toFrame(Symbol("s")), TypeError)
})

t.test("frames up to 128 octets are copied, larger ones are views", async (t) => {
  const small = Buffer.alloc(128, 1)
  const frame = toFrame(small)
  small.fill(2)
  t.equal(frame[0], 1, "a small buffer may be reused once send() returned")
  const large = Buffer.alloc(129, 1)
  t.equal(toFrame(large), large, "a large one is not copied")
  const view = new Uint8Array([7, 8, 9])
  const fromView = toFrame(view)
  view[0] = 0
  t.equal(fromView[0], 7)
})
