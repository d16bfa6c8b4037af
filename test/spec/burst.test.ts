// Sends that can be queued resolve at once, yet long bursts still yield to the event loop, and a
// publisher bursting to a live subscriber flushes instead of dropping (README "Differences from
// zeromq.js": no 512-send EBUSY rule, yet long bursts still yield to the event loop).
import t from "tap"
import { Publisher } from "../../lib/socket/publisher.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { Pull, Push, Reply, Request } from "../../lib/index.js"
import { within } from "../helpers/events.js"
import { sendUntilArrived } from "../helpers/probe.js"
import { marry } from "../helpers/marry.js"

t.test("a publisher's long burst lets timers run (a publisher never waits, so only yielding helps)", async (t) => {
  const pub = new Publisher({ linger: 0 })
  t.teardown(() => pub.close())
  let timerFired = false
  setTimeout(() => { timerFired = true }, 0)
  let sentBeforeTimer = 0
  for (let i = 0; i < 20_000; i++) {
    await pub.send("nobody listens")
    if (!timerFired) sentBeforeTimer++
  }
  t.ok(timerFired && sentBeforeTimer < 20_000, `the timer ran during the burst (after ${sentBeforeTimer} sends)`)
})

for (const transport of ["tcp", "ipc"] as const) {
  t.test(`${transport}: a tight publish loop to a reading subscriber loses nothing`, async (t) => {
    const pub = new Publisher({ linger: 0 })
    const sub = new Subscriber()
    t.teardown(() => { pub.close(); sub.close() })
    await marry(pub, sub, transport)
    sub.subscribe()
    const total = 10_000
    // The subscription travels after the handshake: probe until one gets through.
    const first = sub.receive()
    await sendUntilArrived(() => pub.send("probe"), first, 2500, 2)
    const counting = (async () => {
      let data = 0
      for (;;) {
        const [frame] = await sub.receive()
        const text = String(frame)
        if (text === "end") return data
        if (text !== "probe") data++
      }
    })()
    for (let i = 0; i < total; i++) await pub.send(`m${i}`)
    await pub.send("end")
    t.equal(await within(counting, 10_000, "receive"), total, "every message of the burst arrived")
  })
}

t.test("a send loop on one socket does not hold back another socket's output in the same process", async (t) => {
  // A flush may wait a few turns for a send loop to add more (one larger write); the loop here
  // belongs to another socket and never ends, so the request and its reply must not wait for it.
  const pull = new Pull({ linger: 0 })
  const push = new Push({ linger: 0 })
  const rep = new Reply({ linger: 0 })
  const req = new Request({ linger: 0 })
  let sending = true
  t.teardown(() => { sending = false; for (const s of [pull, push, rep, req]) s.close() })
  await marry(push, pull, "tcp")
  await marry(req, rep, "tcp")
  void (async () => { for await (const [m] of rep) await rep.send(m) })().catch(() => {})
  void (async () => { for await (const _ of pull) { /* drain */ } })().catch(() => {})
  const body = Buffer.alloc(16)
  const bulk = (async () => { while (sending) await push.send(body) })().catch(() => {})
  for (let i = 0; i < 20; i++) {
    await req.send(`r${i}`)
    const [reply] = await within(req.receive(), 5000, `reply ${i} while the other socket's send loop runs`)
    t.equal(String(reply), `r${i}`)
  }
  sending = false
  await bulk
})
