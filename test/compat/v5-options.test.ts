// brokerless/v5-compat setsockopt/getsockopt by libzmq numeric id: the ids come from the same
// table as the v6 binding-level calls (getInt32Option...), so every id one knows the other knows.
import t from "tap"
import * as zmq from "../../lib/v5-compat.js"
import { Router } from "../../lib/index.js"
import { OPTION_IDS } from "../../lib/socket/option-ids.js"
import type { TestCase } from "../helpers/tap.js"

function socket(t: TestCase, type: Parameters<typeof zmq.socket>[0]): zmq.Socket {
  const s = zmq.socket(type, { linger: 0 })
  t.teardown(() => s.close())
  return s
}

t.test("every id of the v6 table reads back as the v6 binding-level call reads it", async (t) => {
  const s = socket(t, "router")
  const v6 = new Router({ linger: 0 })
  t.teardown(() => v6.close())
  for (const [id, [name, type]] of OPTION_IDS) {
    if (name === "lastEndpoint") continue // null either way, but the v5 layer has no accessor to compare
    if (!(name in v6)) {
      t.throws(() => s.getsockopt(id), { code: "EINVAL" }, `${id} (${name}) is not a router option`)
      continue
    }
    const v5 = s.getsockopt(id)
    const reference = v6.getInt32Option(id)
    const expected = type === "bool" ? (reference ? 1 : 0) : reference
    t.same(v5, expected, `${id} (${name})`)
  }
})

t.test("numeric ids set what the short names and the v6 ids read", async (t) => {
  const s = socket(t, "router")
  t.equal(s.setsockopt(zmq.ZMQ_BACKLOG, 75), s)
  t.equal(s.getsockopt(zmq.ZMQ_BACKLOG), 75)
  t.equal(s.backlog, 75)
  s.setsockopt(57, 16) // ZMQ_TOS: in the v6 table, never in the 5.x one
  t.equal(s.getsockopt(57), 16)
  s.setsockopt(68, Buffer.from("127.0.0.1:1080")) // ZMQ_SOCKS_PROXY, a Buffer as 5.x code passes it
  t.equal(s.getsockopt(68), "127.0.0.1:1080")
  s.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, 1)
  t.equal(s.getsockopt(zmq.ZMQ_ROUTER_MANDATORY), 1)
  s.setsockopt(zmq.ZMQ_SNDTIMEO, 10)
  t.equal(s.getsockopt(zmq.ZMQ_SNDTIMEO), 10)
  s.setsockopt(zmq.ZMQ_IPV4ONLY, 0)
  t.equal(s.getsockopt(zmq.ZMQ_IPV6), 1, "ZMQ_IPV4ONLY 0 is ipv6 on")
})

t.test("CURVE keys by id: 32 raw octets or 40 Z85 characters, as a Buffer or text", async (t) => {
  const s = socket(t, "dealer")
  const keys = zmq.curveKeypair()
  s.setsockopt(zmq.ZMQ_CURVE_SERVERKEY, Buffer.from(keys.public))
  t.equal(s.getsockopt(zmq.ZMQ_CURVE_SERVERKEY), keys.public)
  t.equal(s.getsockopt(zmq.ZMQ_MECHANISM), 2)
})

t.test("unknown and read-only ids are errors with a code, never a crash", async (t) => {
  const s = socket(t, "dealer")
  t.throws(() => s.setsockopt(undefined as never, 1), { code: "EINVAL", message: /Unknown option/ })
  t.throws(() => s.getsockopt(4242), { code: "EINVAL", message: /Unknown option 4242/ })
  t.throws(() => s.setsockopt(zmq.ZMQ_TYPE, 1), { code: "EINVAL", message: /read-only/ })
  t.throws(() => s.setsockopt(zmq.ZMQ_LAST_ENDPOINT, "tcp://x"), { code: "EINVAL" })
  t.throws(() => s.setsockopt(zmq.ZMQ_BACKLOG, "many"), { code: "EINVAL" }, "the v6 socket validates")
})
