// Interop with libzmq's draft SERVER/CLIENT and SCATTER/GATHER (the `zeromq` package's
// "zeromq/draft.js"), both directions, either side binding, over tcp and ipc. libzmq warns
// once that draft sockets are experimental; that line on stderr is expected.
import t from "tap"
import * as draft from "zeromq/draft.js"
import { Client } from "../../lib/socket/client.js"
import { Datagram } from "../../lib/socket/datagram.js"
import { Gather } from "../../lib/socket/gather.js"
import { Scatter } from "../../lib/socket/scatter.js"
import { Server } from "../../lib/socket/server.js"
import { uniqAddress } from "../helpers/address.js"
import { within } from "../helpers/events.js"

interface Endpoint {
  bind(address: string): Promise<void>
  connect(address: string): void
  close(): void
  readonly lastEndpoint: string | null
}
interface AnyServer extends Endpoint {
  send(body: string, options: { routingId: number }): Promise<void>
  receive(): Promise<[Buffer, { routingId: number }]>
}
interface AnyClient extends Endpoint {
  send(body: string): Promise<void>
  receive(): Promise<Buffer[]>
}

/** Binds one side and connects the other; resolves once both exist. */
async function join(binder: Endpoint, connector: Endpoint, transport: "tcp" | "ipc"): Promise<void> {
  await binder.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : uniqAddress("ipc"))
  connector.connect(binder.lastEndpoint!)
}

const SIDES = ["brokerless Server, libzmq Clients", "libzmq Server, brokerless Clients"] as const

for (const side of SIDES) {
  for (const transport of ["tcp", "ipc"] as const) {
    for (const serverBinds of [true, false]) {
      t.test(`${side}, ${transport}, ${serverBinds ? "server binds" : "clients bind"}: each client gets its own replies`, async (t) => {
        const ours = side.startsWith("brokerless")
        const server = (ours ? new Server({ linger: 0 }) : new draft.Server({ linger: 0 })) as unknown as AnyServer
        const clients = [0, 1].map(() => (ours ? new draft.Client({ linger: 0 }) : new Client({ linger: 0 })) as unknown as AnyClient)
        t.teardown(() => [server, ...clients].forEach((s) => s.close()))
        for (const client of clients) {
          if (serverBinds) await join(server, client, transport)
          else await join(client, server, transport)
        }
        const echo = (async () => {
          for (let i = 0; i < 4; i++) {
            const [body, { routingId }] = await server.receive()
            t.type(routingId, "number")
            await server.send(`re:${body}`, { routingId })
          }
        })()
        for (const [n, client] of clients.entries()) {
          await client.send(`c${n}-a`)
          await client.send(`c${n}-b`)
        }
        for (const [n, client] of clients.entries()) {
          t.same((await within(client.receive(), 5000, `client ${n} reply a`)).map(String), [`re:c${n}-a`])
          t.same((await within(client.receive(), 5000, `client ${n} reply b`)).map(String), [`re:c${n}-b`])
        }
        await within(echo, 5000, "server loop")
      })
    }
  }
}

for (const side of ["brokerless Scatter -> libzmq Gather", "libzmq Scatter -> brokerless Gather"] as const) {
  for (const transport of ["tcp", "ipc"] as const) {
    t.test(`${side}, ${transport}: single-part messages in order`, async (t) => {
      const ours = side.startsWith("brokerless")
      const scatter = (ours ? new Scatter({ linger: 0 }) : new draft.Scatter({ linger: 0 })) as unknown as AnyClient
      const gather = (ours ? new draft.Gather({ linger: 0 }) : new Gather({ linger: 0 })) as unknown as AnyClient
      t.teardown(() => { scatter.close(); gather.close() })
      await join(gather, scatter, transport)
      const sent = ["foo", "bar", "baz", "qux"]
      for (const body of sent) await scatter.send(body)
      const got: string[] = []
      for (let i = 0; i < sent.length; i++) got.push(String((await within(gather.receive(), 5000, `message ${i}`))[0]))
      t.same(got, sent)
    })
  }
}

t.test("a brokerless Server refuses an unknown routing id with EHOSTUNREACH and multipart sends with EINVAL", async (t) => {
  const server = new Server({ linger: 0 })
  const client = new draft.Client({ linger: 0 })
  t.teardown(() => { server.close(); client.close() })
  await join(server, client as unknown as Endpoint, "tcp")
  await t.rejects(server.send("x", { routingId: 12345 }), { code: "EHOSTUNREACH" })
  await t.rejects(server.send("x", { routingId: 0 }), { code: "EINVAL" })
  await client.send("hello")
  const [body, { routingId }] = await within(server.receive(), 5000, "hello")
  t.equal(String(body), "hello")
  await t.rejects(server.send(["two", "parts"], { routingId }), { code: "EINVAL" })
  await server.send("single", { routingId })
  t.same((await within(client.receive(), 5000, "reply")).map(String), ["single"])
})

for (const side of ["brokerless Datagram -> libzmq Datagram", "libzmq Datagram -> brokerless Datagram"] as const) {
  t.test(`${side}: raw udp both ways, replies by the address frame`, async (t) => {
    const ours = new Datagram({ linger: 0 })
    const theirs = new draft.Datagram({ linger: 0 })
    t.teardown(() => { ours.close(); theirs.close() })
    type AnyDgram = { bind(a: string): Promise<void>; send(m: [Buffer | string, Buffer | string]): Promise<void>; receive(): Promise<Buffer[]>; lastEndpoint: string | null }
    const [asker, answerer] = (side.startsWith("brokerless") ? [ours, theirs] : [theirs, ours]) as unknown as [AnyDgram, AnyDgram]
    // libzmq needs a concrete udp port: take a free one from a Datagram of ours first.
    const probe = new Datagram({ linger: 0 })
    await probe.bind("udp://127.0.0.1:0")
    const answererEndpoint = probe.lastEndpoint!
    probe.close()
    await answerer.bind(answererEndpoint)
    const askerProbe = new Datagram({ linger: 0 })
    await askerProbe.bind("udp://127.0.0.1:0")
    const askerEndpoint = askerProbe.lastEndpoint!
    askerProbe.close()
    await asker.bind(askerEndpoint)
    const target = answererEndpoint.slice("udp://".length)
    // libzmq binds its udp socket after bind() returns: ask until an answer comes (bounded).
    const answered = within((async () => {
      const [from, body] = await answerer.receive()
      await answerer.send([from!, `answer:${body}`])
    })(), 5000, "answerer")
    const got = within(asker.receive(), 5000, "answer")
    const retry = setInterval(() => void asker.send([target, "question"]), 100)
    t.teardown(() => clearInterval(retry))
    await asker.send([target, "question"])
    await answered
    const [from, body] = await got
    clearInterval(retry)
    // libzmq writes the address frame as a C string (a trailing 0x00); ours has none.
    t.equal(String(from).replace(/\0$/, ""), target)
    t.equal(String(body), "answer:question")
  })
}
