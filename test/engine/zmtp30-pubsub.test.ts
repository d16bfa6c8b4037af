// ZMTP 3.0 peers and subscriptions (RFC 23 vs RFC 37; docs/wire-notes.md §5): a 3.0 peer sends and
// expects subscriptions as message frames starting 0x01 (subscribe) / 0x00 (cancel), a 3.1
// peer as SUBSCRIBE/CANCEL commands. The encoding follows the peer's greeting, per connection.
import { createServer, type Socket } from "node:net"
import t from "tap"
import { Publisher } from "../../lib/socket/publisher.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { sendUntilArrived } from "../helpers/probe.js"
import { FrameReader, RawPeer, rawFrame, rawGreeting, rawReady, type RawFrame } from "../helpers/raw-peer.js"

t.test("a ZMTP 3.0 SUB subscribing with a 0x01 message frame gets only matching messages", async (t) => {
  const pub = new Publisher({ linger: 0 })
  t.teardown(() => pub.close())
  await pub.bind("tcp://127.0.0.1:0")
  const peer = await RawPeer.connect(pub.lastEndpoint!)
  t.teardown(() => peer.destroy())
  await peer.handshake("SUB", { minor: 0 })
  peer.send(rawFrame(Buffer.from("\x01A")))
  const data = () => peer.frames.filter((f) => !f.command).map((f) => f.body.toString())
  // Publish probes until the subscription has reached the publisher (bounded, no sleep).
  await sendUntilArrived(() => pub.send("A-probe"), peer.waitFor(() => data().includes("A-probe"), 3000, "subscription applied"), 600, 5)
  for (const topic of ["B1", "A1", "B2", "A2", "A-end"]) await pub.send(topic)
  await peer.waitFor(() => data().includes("A-end"), 3000, "A-end")
  t.same(data().filter((m) => m !== "A-probe"), ["A1", "A2", "A-end"], "B messages were filtered at the publisher")
})

/** A raw PUB server speaking the given minor version; records every frame the SUB sends. */
async function rawPublisher(t: { teardown(fn: () => void): void }, minor: number) {
  const frames: RawFrame[] = []
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    sockets.push(socket)
    const reader = new FrameReader((frame) => frames.push(frame))
    socket.on("data", (chunk: Buffer) => reader.push(chunk))
    socket.on("error", () => {})
    socket.write(Buffer.concat([rawGreeting({ minor }), rawReady([["Socket-Type", "PUB"]])]))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); server.close() })
  const { port } = server.address() as { port: number }
  return { endpoint: `tcp://127.0.0.1:${port}`, frames }
}

for (const minor of [0, 1]) {
  t.test(`our SUB sends subscriptions to a ZMTP 3.${minor} publisher ${minor === 0 ? "as 0x01/0x00 message frames" : "as SUBSCRIBE/CANCEL commands"}`, async (t) => {
    const publisher = await rawPublisher(t, minor)
    const sub = new Subscriber({ linger: 0 })
    t.teardown(() => sub.close())
    const up = nextEvent(sub, "handshake")
    sub.connect(publisher.endpoint)
    await up
    sub.subscribe("A")
    sub.unsubscribe("A")
    sub.subscribe("B")
    const wanted = 3
    const subscriptionFrames = () => publisher.frames.filter((f) => f.name !== "READY" && !(f.command && f.name === "PING"))
    await until(() => subscriptionFrames().length >= wanted, 3000, "subscriptions sent")
    const seen = subscriptionFrames().slice(0, 3)
    if (minor === 0) {
      t.same(seen.map((f) => [f.command, f.body.toString("latin1")]), [[false, "\x01A"], [false, "\x00A"], [false, "\x01B"]])
    } else {
      t.same(seen.map((f) => [f.command, f.name, f.body.subarray(1 + f.name.length).toString()]),
        [[true, "SUBSCRIBE", "A"], [true, "CANCEL", "A"], [true, "SUBSCRIBE", "B"]])
    }
  })
}
