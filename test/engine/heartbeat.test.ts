// ZMTP 3.1 heartbeats (RFC 37, docs/wire-notes.md §6) over real tcp: silent peers are dropped after the
// timeout, live peers (brokerless or libzmq) stay connected, PING carries our TTL and a peer's
// TTL is honoured. Waits count PING/PONG frames seen on the wire; nothing sleeps blindly.
import { spawn } from "node:child_process"
import t from "tap"
import * as zmq from "zeromq"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { uniqAddress } from "../helpers/address.js"
import { nextEvent, within } from "../helpers/events.js"
import { RawPeer, rawCommand, SniffingRelay } from "../helpers/raw-peer.js"
import { sourceFile } from "../helpers/paths.js"

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex")
}

/** Records every event of `type` from now on. */
function record(socket: { events: { on(type: string, l: (e: unknown) => void): unknown } }, type: string): unknown[] {
  const seen: unknown[] = []
  socket.events.on(type, (e: unknown) => seen.push(e))
  return seen
}

t.test("a peer that stays silent after the handshake is disconnected by the heartbeat timeout", async (t) => {
  const pull = new Pull({ heartbeatInterval: 100, heartbeatTimeout: 300, heartbeatTimeToLive: 1000 })
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  const handshake = nextEvent(pull, "handshake", 3000)
  await peer.handshake("PUSH")
  await handshake
  // Exact timing: test/unit/engine/heartbeat.test.ts (fake clock). Here: it does disconnect.
  await nextEvent(pull, "disconnect", 3000)
  await within(peer.closed, 3000, "raw peer sees the close")
  const pings = peer.commands.filter((c) => c.name === "PING")
  t.ok(pings.length >= 1, `${pings.length} PINGs went unanswered`)
  t.equal(pings[0]!.body.toString("hex"), hex("04 50 49 4e 47 00 0a").toString("hex"), "PING carries TTL 1 s (0x000a deciseconds), no context")
  t.equal(pings[0]!.flags, 0x04, "a short command frame")
})

t.test("PING carries TTL 0 unless heartbeatTimeToLive is set; answering PONGs keeps the peer", async (t) => {
  const pull = new Pull({ heartbeatInterval: 50, heartbeatTimeout: 500 }) // generous timeout: loaded CI
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("ipc"))
  const disconnects = record(pull, "disconnect")
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  await peer.handshake("PUSH")
  let answered = 0
  await peer.waitFor(() => {
    const pings = peer.commands.filter((c) => c.name === "PING")
    for (; answered < pings.length; answered++) peer.send(rawCommand("PONG"))
    return pings.length >= 20 || peer.isClosed
  }, 8000, "20 PINGs")
  t.notOk(peer.isClosed, "still connected after 20 intervals (two timeouts)")
  t.same(disconnects, [])
  t.equal(peer.commands.find((c) => c.name === "PING")!.body.toString("hex"), hex("04 50 49 4e 47 00 00").toString("hex"))
})

t.test("a peer's PING TTL is honoured: silence for the TTL closes the connection", async (t) => {
  const pull = new Pull() // no heartbeats of its own
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const peer = await RawPeer.connect(pull.lastEndpoint!)
  t.teardown(() => peer.destroy())
  await peer.handshake("PUSH")

  // Traffic within the TTL keeps it open: PING (ttl 300 ms) every 100 ms, 10 times (~1 s).
  const disconnects = record(pull, "disconnect")
  for (let i = 1; i <= 10; i++) {
    peer.send(rawCommand("PING", hex("00 03")))
    await peer.waitFor(() => peer.commands.filter((c) => c.name === "PONG").length >= i || peer.isClosed, 3000, `PONG ${i}`)
    await new Promise((resolve) => setTimeout(resolve, 100)) // paced sender, not a wait for state
  }
  t.same(disconnects, [], "kept alive by traffic")

  const gone = nextEvent(pull, "disconnect", 3000)
  peer.send(rawCommand("PING", hex("00 05"))) // TTL 500 ms, then silence
  await gone // its exact timing: test/unit/engine/heartbeat.test.ts
  await within(peer.closed, 3000, "raw peer sees the close")
})

t.test("two brokerless peers with heartbeats stay connected over many intervals", async (t) => {
  //  Push --tcp--> SniffingRelay (counts PING/PONG both ways) --tcp--> Pull (bound)
  const pull = new Pull({ heartbeatInterval: 100, heartbeatTimeout: 400 })
  const push = new Push({ heartbeatInterval: 100, heartbeatTimeout: 400, heartbeatTimeToLive: 1500 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const relay = await SniffingRelay.start(pull.lastEndpoint!)
  t.teardown(() => relay.close())
  const dropped = [...record(pull, "disconnect"), ...record(push, "disconnect")]
  const handshakes = Promise.all([nextEvent(pull, "handshake", 3000), nextEvent(push, "handshake", 3000)])
  push.connect(relay.endpoint)
  await handshakes
  // 15 intervals: well over three heartbeat timeouts, so a missed PONG would have shown.
  await relay.waitFor(() => ["up", "down"].every((d) => relay.count(d as "up", "PING") >= 15 && relay.count(d as "up", "PONG") >= 14),
    8000, "15 PINGs and 14 PONGs each way")
  t.same(dropped, [], "no disconnect on either side")
  t.equal(relay.frames.up.find((f) => f.name === "PING")!.body.readUInt16BE(5), 15, "Push's PING carries TTL 1.5 s")
  t.equal(relay.frames.down.find((f) => f.name === "PING")!.body.readUInt16BE(5), 0, "Pull's PING carries TTL 0")
  await push.send("still here")
  t.same((await within(pull.receive(), 3000, "receive")).map(String), ["still here"])
})

t.test("interop: libzmq and brokerless heartbeat each other without disconnects", async (t) => {
  //  libzmq Push --tcp--> SniffingRelay --tcp--> brokerless Pull (bound)
  const pull = new Pull({ heartbeatInterval: 100, heartbeatTimeout: 400, heartbeatTimeToLive: 1000 })
  const push = new zmq.Push({ heartbeatInterval: 100, heartbeatTimeout: 400, heartbeatTimeToLive: 1000, linger: 0 })
  t.teardown(() => { push.close(); pull.close() })
  await pull.bind(uniqAddress("tcp"))
  const relay = await SniffingRelay.start(pull.lastEndpoint!)
  t.teardown(() => relay.close())
  const dropped = [...record(pull, "disconnect"), ...record(push, "disconnect")]
  const handshake = nextEvent(pull, "handshake", 3000)
  push.connect(relay.endpoint)
  await handshake
  // 15 intervals: well over three heartbeat timeouts, so a missed PONG would have shown.
  await relay.waitFor(() => ["up", "down"].every((d) => relay.count(d as "up", "PING") >= 15 && relay.count(d as "up", "PONG") >= 14),
    8000, "15 PINGs and 14 PONGs each way")
  t.same(dropped, [], "no disconnect on either side")
  t.equal(relay.frames.up.find((f) => f.name === "PING")!.body.toString("hex"), hex("04 50 49 4e 47 00 0a").toString("hex"), "libzmq PING as in §6")
  t.equal(relay.frames.down.find((f) => f.name === "PING")!.body.toString("hex"), hex("04 50 49 4e 47 00 0a").toString("hex"), "ours is identical")
  await push.send("still here")
  t.same((await within(pull.receive(), 3000, "receive")).map(String), ["still here"])
})

t.test("a SIGSTOPped libzmq peer process is detected by heartbeats", { skip: process.platform === "win32" && "needs SIGSTOP" }, async (t) => {
  const pull = new Pull({ heartbeatInterval: 100, heartbeatTimeout: 300 })
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const handshake = nextEvent(pull, "handshake", 10000)
  const fixture = sourceFile("test", "engine", "fixtures", "libzmq-push.mjs")
  const child = spawn(process.execPath, [fixture, pull.lastEndpoint!], { stdio: ["pipe", "pipe", "inherit"] })
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL") })
  await handshake
  t.same((await within(pull.receive(), 10000, "libzmq child's message")).map(String), ["hello from libzmq"])
  const gone = nextEvent(pull, "disconnect", 3000)
  child.kill("SIGSTOP")
  await gone // bounded by nextEvent; the exact timing is a fake-clock test
  child.kill("SIGKILL")
  await within(exited, 5000, "child exit")
})
