// codec: "msgpack": plain JS values in, plain JS values out; standard MessagePack on the wire,
// so a libzmq peer decodes the frames with any msgpack library.
import { Packr, unpack } from "msgpackr"
import t from "tap"
import * as zmq from "zeromq"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { nextEvent, within } from "../helpers/events.js"
import { marry } from "../helpers/marry.js"

const VALUES: unknown[] = [
  { order: 17, items: ["a", "b"], nested: { ok: true, none: null } },
  [1, 2, 3],
  "plain string",
  42,
  -1.5,
  null,
  true,
  { bytes: Buffer.from([0, 1, 255]) },
]

t.test("brokerless to brokerless: values round-trip", async (t) => {
  const push = new Push<unknown>({ codec: "msgpack", linger: 0 })
  const pull = new Pull<unknown>({ codec: "msgpack" })
  t.teardown(() => { push.close(); pull.close() })
  await marry(pull, push, "tcp")
  for (const value of VALUES) await push.send(value)
  for (const value of VALUES) t.same(await within(pull.receive(), 2000, "receive"), value)
})

t.test("a libzmq peer reads standard MessagePack frames, and sends them", async (t) => {
  const push = new Push<unknown>({ codec: "msgpack", linger: 0 })
  const theirPull = new zmq.Pull()
  t.teardown(() => { push.close(); theirPull.close() })
  await push.bind("tcp://127.0.0.1:0")
  const up = nextEvent(push, "handshake")
  theirPull.connect(push.lastEndpoint!)
  await up
  await push.send({ hello: "libzmq", n: [1, 2] })
  const [frame] = await within(theirPull.receive(), 2000, "libzmq receive")
  t.same(unpack(frame!), { hello: "libzmq", n: [1, 2] }, "decoded by a plain msgpack decoder")

  const theirPush = new zmq.Push()
  const pull = new Pull<unknown>({ codec: "msgpack" })
  t.teardown(() => { theirPush.close(); pull.close() })
  await pull.bind("tcp://127.0.0.1:0")
  theirPush.connect(pull.lastEndpoint!)
  await theirPush.send(new Packr({ useRecords: false }).pack({ from: "libzmq" }))
  t.same(await within(pull.receive(), 2000, "receive"), { from: "libzmq" })
})

t.test("a peer's malformed payload is reported as codec:error and skipped, not thrown", async (t) => {
  const theirPush = new zmq.Push()
  const pull = new Pull<unknown>({ codec: "msgpack" })
  t.teardown(() => { theirPush.close(); pull.close() })
  await pull.bind("tcp://127.0.0.1:0")
  theirPush.connect(pull.lastEndpoint!)
  const reported = nextEvent(pull, "codec:error")
  await theirPush.send(Buffer.from([0x92, 0x01])) // an array of two holding only one element
  await theirPush.send(["two", "frames"])
  await theirPush.send(new Packr({ useRecords: false }).pack("good"))
  t.equal(await within(pull.receive(), 2000, "receive"), "good")
  t.equal(((await reported).error as { code: string }).code, "EPROTO")
})

t.test("without a codec, objects are refused; with one, anything msgpack encodes is accepted", async (t) => {
  const plain = new Push({ linger: 0 })
  t.teardown(() => plain.close())
  await t.rejects(plain.send({ a: 1 } as never), TypeError)
  t.throws(() => new Push({ codec: "json" as never }), { code: "EINVAL" })
})
