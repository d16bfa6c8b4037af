// Every pattern over every stream-like transport, with the socket options a case asks for (the
// security cases reuse these with PLAIN or CURVE options). Each pattern: the binder binds, the
// connecter dials the resolved endpoint, and a message goes each way the pattern allows.
import { Buffer } from "node:buffer"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  Dealer, Dish, Pair, Publisher, Pull, Push, Radio, Reply, Request, Router, Subscriber, XPublisher, XSubscriber,
} from "../../dist/index.js"
import { equal, sameFrames, text } from "./harness.mjs"

let serial = 0

/** A fresh bindable address on `transport` (port 0 where there are ports). */
export function address(transport) {
  serial++
  switch (transport) {
    case "tcp": return "tcp://127.0.0.1:0"
    case "ws": return `ws://127.0.0.1:0/conformance-${serial}`
    case "ipc": return `ipc://${join(tmpdir(), `brokerless-conf-${process.pid}-${serial}.sock`)}`
    case "inproc": return `inproc://conformance-${serial}`
    case "udp": return "udp://127.0.0.1:0"
    default: throw new Error(`no address for ${transport}`)
  }
}

/** Binds `binder` on `transport` and connects `connecter` to where it landed. */
export async function link(binder, connecter, transport) {
  await binder.bind(address(transport))
  connecter.connect(binder.lastEndpoint)
}

/**
 * Sends with `send()` every 20 ms until `receiver` gets a message: a subscription or a join
 * travels after the connection, and what is sent before it lands is dropped (pub/sub, radio/dish).
 */
export async function sendUntilHeard(send, receiver) {
  const heard = receiver.receive()
  let done = false
  heard.then(() => { done = true }, () => { done = true })
  while (!done) {
    await send()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return heard
}

/**
 * The patterns. `server` options go to the binding side and `client` options to the dialing side
 * (security cases put PLAIN or CURVE options there).
 */
export const patterns = {
  async "push/pull"(track, transport, { server, client }) {
    const pull = track(new Pull(server))
    const push = track(new Push(client))
    await link(pull, push, transport)
    for (let i = 0; i < 3; i++) await push.send(["job", String(i)])
    for (let i = 0; i < 3; i++) sameFrames(await pull.receive(), ["job", String(i)], "in order")
  },

  async "pub/sub"(track, transport, { server, client }) {
    const pub = track(new Publisher(server))
    const sub = track(new Subscriber(client))
    sub.subscribe("news")
    await link(pub, sub, transport)
    const first = await sendUntilHeard(async () => { await pub.send(["other", "x"]); await pub.send(["news", "y"]) }, sub)
    sameFrames(first, ["news", "y"], "only the subscribed topic")
  },

  async "req/rep"(track, transport, { server, client }) {
    const rep = track(new Reply(server))
    const req = track(new Request(client))
    await link(rep, req, transport)
    for (let i = 0; i < 3; i++) {
      await req.send(`ping ${i}`)
      sameFrames(await rep.receive(), [`ping ${i}`], "request")
      await rep.send(`pong ${i}`)
      sameFrames(await req.receive(), [`pong ${i}`], "reply")
    }
  },

  async "dealer/router"(track, transport, { server, client }) {
    const router = track(new Router(server))
    const dealer = track(new Dealer({ ...client, routingId: "dealer-1" }))
    await link(router, dealer, transport)
    await dealer.send(["hello", "there"])
    const [id, ...body] = await router.receive()
    equal(text([id])[0], "dealer-1", "the router sees the dealer's routing id")
    sameFrames(body, ["hello", "there"], "body")
    await router.send([id, "back"])
    sameFrames(await dealer.receive(), ["back"], "routed reply")
  },

  async pair(track, transport, { server, client }) {
    const a = track(new Pair(server))
    const b = track(new Pair(client))
    await link(a, b, transport)
    await b.send("to a")
    sameFrames(await a.receive(), ["to a"], "b to a")
    await a.send(["to", "b"])
    sameFrames(await b.receive(), ["to", "b"], "a to b")
  },

  async "xpub/xsub"(track, transport, { server, client }) {
    const xpub = track(new XPublisher(server))
    const xsub = track(new XSubscriber(client))
    await link(xpub, xsub, transport)
    await xsub.send(Buffer.from("\x01topic"))
    const [notice] = await xpub.receive()
    equal(notice[0], 1, "a subscribe notice")
    equal(Buffer.from(notice.subarray(1)).toString(), "topic", "its prefix")
    await xpub.send(["topic", "data"])
    await xpub.send(["elsewhere", "no"])
    await xpub.send(["topic", "more"])
    sameFrames(await xsub.receive(), ["topic", "data"], "matching message")
    sameFrames(await xsub.receive(), ["topic", "more"], "the unmatched one was filtered")
  },

  async "radio/dish"(track, transport, { server, client }) {
    const radio = track(new Radio(server))
    const dish = track(new Dish(client))
    dish.join("weather")
    await link(radio, dish, transport)
    const [body, { group }] = await sendUntilHeard(async () => {
      await radio.send("sport result", { group: "sport" })
      await radio.send("sunny", { group: "weather" })
    }, dish)
    equal(String(group), "weather", "only the joined group")
    equal(String(body), "sunny", "body")
  },
}
