// Interop with libzmq's ZMQ_STREAM (the `zeromq` package's Stream): both speak raw tcp, so each
// is the other's plain tcp peer. Either side binds; connect-side routing ids on both; the
// connect/disconnect notifications of each side; data both ways.
import t from "tap"
import * as native from "zeromq"
import { Stream } from "../../lib/socket/stream.js"
import { within } from "../helpers/events.js"

interface AnyStream {
  receive(): Promise<Buffer[]>
  send(message: [string | Buffer, string | Buffer]): Promise<void>
}

/** The next non-empty [routingId, data] (skips connect notifications). */
async function nextData(s: AnyStream, what: string): Promise<[Buffer, string]> {
  for (;;) {
    const [id, data] = await within(s.receive(), 5000, what)
    if (data!.length > 0) return [id!, String(data)]
  }
}

t.test("a brokerless Stream connects to libzmq's bound STREAM", async (t) => {
  const theirs = new native.Stream({ linger: 0 })
  const ours = new Stream({ linger: 0 })
  t.teardown(() => { ours.close(); theirs.close() })
  await theirs.bind("tcp://127.0.0.1:*")
  ours.connect(theirs.lastEndpoint!, { routingId: "to-libzmq" })
  await ours.send(["to-libzmq", "ping"])
  const [theirId, notification] = await within(theirs.receive(), 5000, "libzmq connect notification")
  t.equal(notification!.length, 0, "libzmq notifies the connection")
  const [, ping] = await nextData(theirs as unknown as AnyStream, "ping at libzmq")
  t.equal(ping, "ping")
  await theirs.send([theirId!, "pong"])
  const [id, pong] = await nextData(ours, "pong")
  t.same([String(id), pong], ["to-libzmq", "pong"])
  await ours.send([id, ""]) // we close the connection
  const [goneId, bye] = await within(theirs.receive(), 5000, "libzmq disconnect notification")
  t.same([goneId, bye!.length], [theirId, 0], "libzmq sees the connection end")
})

t.test("libzmq's STREAM connects to a bound brokerless Stream", async (t) => {
  const ours = new Stream({ linger: 0 })
  const theirs = new native.Stream({ linger: 0 })
  t.teardown(() => { theirs.close(); ours.close() })
  await ours.bind("tcp://127.0.0.1:0")
  theirs.connect(ours.lastEndpoint!, { routingId: "from-libzmq" })
  await theirs.send(["from-libzmq", "hello"])
  const [ourId, hello] = await nextData(ours, "hello at brokerless")
  t.equal(hello, "hello")
  await ours.send([ourId, "welcome"])
  const [theirId, welcome] = await nextData(theirs as unknown as AnyStream, "welcome at libzmq")
  t.same([String(theirId), welcome], ["from-libzmq", "welcome"])
})
