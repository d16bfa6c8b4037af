// ZAP (RFC 27) replies that break the protocol: the PLAIN server reports each as a
// handshake:error:protocol event with libzmq's ERR_ZAP_* code (zap_client_t's checks), the
// connection ends, and no peer is added. A good reply after a bad one still lets a client in.
import t from "tap"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Router } from "../../lib/socket/router.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"

const ZAP = "inproc://zeromq.zap.01"

type Answer = (request: Buffer[]) => Array<Buffer | string>

/** A ZAP handler whose reply to each request is built by `answer` (routing id first). */
async function zapHandler(t: TestCase, answer: Answer): Promise<void> {
  const handler = new Router({ linger: 0 })
  t.teardown(() => handler.close())
  await handler.bind(ZAP)
  void (async () => {
    for await (const request of handler) await handler.send(answer(request))
  })().catch(() => {})
}

/** The reply a correct handler sends to allow the request. */
const allow: Answer = ([route, delimiter, version, id]) => [route!, delimiter!, version!, id!, "200", "OK", "user", ""]

/** Binds a PLAIN server, connects a client, and returns the server's protocol error event. */
async function refusal(t: TestCase): Promise<{ code: unknown; message: unknown; address: unknown; endpoint: string; pull: Pull }> {
  const pull = new Pull({ plainServer: true })
  const push = new Push({ linger: 0, plainUsername: "admin", plainPassword: "secret", reconnectInterval: 60_000 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const endpoint = pull.lastEndpoint!
  const refused = nextEvent(pull, "handshake:error:protocol")
  push.connect(endpoint)
  const event = await refused
  const error = event.error as { code?: unknown; message?: unknown }
  return { code: error.code, message: error.message, address: event.address, endpoint, pull }
}

const cases: Array<[string, Answer, string]> = [
  ["a version other than 1.0", ([route, delimiter, , id]) => [route!, delimiter!, "9.9", id!, "200", "OK", "", ""], "ERR_ZAP_BAD_VERSION"],
  ["too few frames", ([route, delimiter]) => [route!, delimiter!, "", ""], "ERR_ZAP_MALFORMED_REPLY"],
  ["no empty delimiter", ([route, , version, id]) => [route!, "x", version!, id!, "200", "OK", "", ""], "ERR_ZAP_MALFORMED_REPLY"],
  ["a request id never asked", ([route, delimiter, version]) => [route!, delimiter!, version!, "no-such-id", "200", "OK", "", ""], "ERR_ZAP_BAD_REQUEST_ID"],
  ["a status code outside 200/300/400/500", ([route, delimiter, version, id]) => [route!, delimiter!, version!, id!, "201", "OK", "", ""], "ERR_ZAP_INVALID_STATUS_CODE"],
]

for (const [what, answer, code] of cases) {
  t.test(`a ZAP reply with ${what} is ${code}, reported as a protocol error`, async (t) => {
    await zapHandler(t, answer)
    const seen = await refusal(t)
    t.equal(seen.code, code)
    t.equal(seen.message, "ZAP protocol error", "zeromq.js's text for every ERR_ZAP_* code")
    t.equal(seen.address, seen.endpoint, "the event names the bound endpoint")
    t.equal(seen.pull.peerCount, 0, "the client never became a peer")
  })
}

t.test("after a malformed reply the next request is answered normally", async (t) => {
  let first = true
  await zapHandler(t, (request) => {
    if (!first) return allow(request)
    first = false
    return [request[0]!, request[1]!, "9.9", request[3]!, "200", "OK", "", ""]
  })
  const pull = new Pull({ plainServer: true })
  const push = new Push({ linger: 0, plainUsername: "admin", plainPassword: "secret", reconnectInterval: 20 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const refused = nextEvent(pull, "handshake:error:protocol")
  const shaken = nextEvent(pull, "handshake")
  push.connect(pull.lastEndpoint!)
  t.match((await refused).error, { code: "ERR_ZAP_BAD_VERSION" })
  await shaken
  await push.send("in")
  t.equal(String(await pull.receive()), "in", "the reconnected client was let in")
})
