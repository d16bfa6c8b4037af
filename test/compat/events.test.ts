// zeromq.js compatibility of the event channel: "end" stays readable after close even if nobody
// was reading, receive() afterwards is EBADF, and events.on() switches to emitter mode.
import t from "tap"
import { Dealer } from "../../lib/socket/dealer.js"

t.test("the end event is kept for a reader that comes after close()", async (t) => {
  const sock = new Dealer()
  const events = sock.events
  sock.close()
  t.same(await events.receive(), { type: "end" })
  t.equal(events.closed, true)
  await t.rejects(events.receive(), { code: "EBADF", message: "Socket is closed" })
})

t.test("iteration ends after end", async (t) => {
  const sock = new Dealer()
  const seen: string[] = []
  const done = (async () => {
    for await (const event of sock.events) seen.push(event.type)
  })()
  sock.close()
  await done
  t.same(seen, ["end"])
})

t.test("events.on() puts the channel in emitter mode: receive() then throws", async (t) => {
  const sock = new Dealer()
  t.teardown(() => sock.close())
  const ends: unknown[] = []
  sock.events.on("end", (event) => ends.push(event))
  t.throws(() => sock.events.receive(), /emitter mode/)
  sock.close()
  t.same(ends, [{ type: "end" }])
})

t.test("a second concurrent events.receive() throws EBUSY", async (t) => {
  const sock = new Dealer()
  const first = sock.events.receive()
  t.throws(() => sock.events.receive(), { code: "EBUSY" })
  sock.close()
  t.same(await first, { type: "end" })
})
