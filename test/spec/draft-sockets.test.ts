// Server/Client and Scatter/Gather (libzmq draft sockets) on every transport: routing ids per
// client, replies to the right client, round robin out and fair queuing in, single-part only,
// EHOSTUNREACH once a client has gone.
import t from "tap"
import { Client } from "../../lib/socket/client.js"
import { Gather } from "../../lib/socket/gather.js"
import { Scatter } from "../../lib/socket/scatter.js"
import { Server } from "../../lib/socket/server.js"
import { TRANSPORTS } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"
import { connectTo, marry } from "../helpers/marry.js"
import type { TestCase } from "../helpers/tap.js"

function track<S extends { close(): void }>(t: TestCase, ...sockets: S[]): S[] {
  t.teardown(() => sockets.forEach((s) => s.close()))
  return sockets
}

for (const transport of TRANSPORTS) {
  t.test(`${transport}: a Server tells clients apart by routing id and replies to the sender only`, async (t) => {
    const [server] = track(t, new Server({ linger: 0 }))
    const [a, b] = track(t, new Client({ linger: 0 }), new Client({ linger: 0 }))
    const endpoint = await marry(server!, a!, transport)
    await connectTo(server!, b!, endpoint)
    await a!.send("from a")
    const [bodyA, { routingId: idA }] = await within(server!.receive(), 3000, "a")
    await b!.send("from b")
    const [bodyB, { routingId: idB }] = await within(server!.receive(), 3000, "b")
    t.same([String(bodyA), String(bodyB)], ["from a", "from b"])
    t.ok(Number.isInteger(idA) && idA > 0 && idA !== idB, "distinct non-zero numeric routing ids")
    await server!.send("to b", { routingId: idB })
    await server!.send("to a", { routingId: idA })
    t.same((await within(b!.receive(), 3000, "b reply")).map(String), ["to b"])
    t.same((await within(a!.receive(), 3000, "a reply")).map(String), ["to a"])
    t.equal(a!.readable, false, "nothing else reached a")
  })

  t.test(`${transport}: a Client round-robins over servers; Scatter over gathers`, async (t) => {
    const [client] = track(t, new Client({ linger: 0 }))
    const servers = track(t, new Server({ linger: 0 }), new Server({ linger: 0 }))
    for (const server of servers) await marry(server, client!, transport)
    for (const n of [1, 2, 3, 4]) await client!.send(`m${n}`)
    const got = await Promise.all(servers.map(async (s) => [String((await within(s.receive(), 3000))[0]), String((await within(s.receive(), 3000))[0])]))
    t.same(got.flat().sort(), ["m1", "m2", "m3", "m4"])
    t.equal(new Set(got.map((pair) => pair.join())).size, 2, "each server got two")

    const [scatter] = track(t, new Scatter({ linger: 0 }))
    const gathers = track(t, new Gather({ linger: 0 }), new Gather({ linger: 0 }))
    for (const gather of gathers) await marry(gather, scatter!, transport)
    for (const n of [1, 2, 3, 4]) await scatter!.send(`s${n}`)
    const gathered = await Promise.all(gathers.map(async (g) => [String((await within(g.receive(), 3000))[0]), String((await within(g.receive(), 3000))[0])]))
    t.same(gathered.flat().sort(), ["s1", "s2", "s3", "s4"])
  })
}

t.test("single-part only: multipart sends are EINVAL on every draft type", async (t) => {
  const [server] = track(t, new Server({ linger: 0 }))
  const [client] = track(t, new Client({ linger: 0 }))
  const [scatter] = track(t, new Scatter({ linger: 0 }))
  await t.rejects(client!.send(["a", "b"]), { code: "EINVAL" })
  await t.rejects(scatter!.send(["a", "b"]), { code: "EINVAL" })
  await t.rejects(server!.send(["a", "b"], { routingId: 1 }), { code: "EINVAL" })
})

t.test("a Server send to a client that has gone rejects with EHOSTUNREACH", async (t) => {
  const [server] = track(t, new Server({ linger: 0 }))
  const client = new Client({ linger: 0 })
  await marry(server!, client, "tcp")
  await client.send("hi")
  const [, { routingId }] = await within(server!.receive(), 3000, "hi")
  const gone = nextEvent(server!, "disconnect", 3000)
  client.close()
  await gone
  await t.rejects(server!.send("late", { routingId }), { code: "EHOSTUNREACH" })
})
