// One side of a benchmark measurement, run as a child process by bench/compare.js.
//
// Usage (by the driver only): fork("bench/peer.js", [JSON.stringify(config)])
// config: { role, lib, endpoint?, count?, size?, warmup?, kind? }
//
// The child talks to the driver over the fork() IPC channel:
//   child -> driver: { t: "ready", endpoint } | { t: "sent", count, ns } | { t: "result", ... }
//                    { t: "warm" } | { t: "progress", seq, count } | { t: "bye", maxRSS }
//                    { t: "error", message } | { t: "probe", ... }
//   driver -> child: { t: "warmup" } | { t: "go" } | { t: "progress", seq } | { t: "exit" }
// Every socket is created with linger 0: the driver only sends "exit" once the receiving side
// has reported, so nothing that is still queued matters by then.

import { hrtime } from "node:process"
import { setImmediate as tick } from "node:timers/promises"

const FILL = 0x61 // 'a': payload byte of push/pull, dealer/router, req/rep messages

/**
 * The message a sender passes to send() each time. libzmq 4.3.5's ws client masks frames in
 * place, in the message's own bytes, and zeromq.js hands Buffers above a small size to libzmq
 * without a copy: re-sending one Buffer over ws:// from zeromq would deliver scrambled data
 * (README, "WebSocket"). For zeromq over ws, each send therefore gets a fresh copy; everywhere
 * else the same Buffer is reused.
 */
function payloadFor(buf) {
  const copies = cfg.lib === "zeromq" && /^wss?:/.test(cfg.endpoint ?? "")
  return copies ? () => Buffer.from(buf) : () => buf
}
const PUB_WARM = 0x57 // 'W'
const PUB_DATA = 0x44 // 'D'
const PUB_END = 0x45 // 'E'
const HELLO = 0x48 // 'H': a Dealer's first message in the Router x N rows

/** Fixed-width topics, so no topic is a prefix of another. */
const topicName = (i) => `t${String(i).padStart(7, "0")}`

const cfg = JSON.parse(process.argv[2] ?? "{}")
// A row's environment (e.g. BROKERLESS_SODIUM=wasm), set before the library loads.
if (cfg.env) Object.assign(process.env, cfg.env)
const sockets = []

// ---- driver commands -------------------------------------------------------------------------
const seen = new Map() // command type -> last message
const waiting = new Map() // command type -> resolve[]
let onProgress = null

process.on("message", (m) => {
  if (m.t === "progress") {
    onProgress?.(m.seq)
    return
  }
  if (m.t === "exit") {
    void shutdown(0)
    return
  }
  seen.set(m.t, m)
  const list = waiting.get(m.t)
  if (list) {
    waiting.delete(m.t)
    for (const resolve of list) resolve(m)
  }
})
process.on("disconnect", () => process.exit(3)) // driver went away: never linger as an orphan

function command(type) {
  if (seen.has(type)) return Promise.resolve(seen.get(type))
  return new Promise((resolve) => {
    const list = waiting.get(type) ?? []
    list.push(resolve)
    waiting.set(type, list)
  })
}

function report(message) {
  return new Promise((resolve) => {
    if (!process.connected) return resolve()
    process.send(message, () => resolve())
  })
}

let exiting = false
async function shutdown(code) {
  if (exiting) return
  exiting = true
  for (const s of sockets) {
    try {
      s.close()
    } catch {
      // already closed or failed: the process is going away anyway
    }
  }
  await report({ t: "bye", maxRSS: process.resourceUsage().maxRSS })
  process.exit(code)
}

async function fail(err) {
  if (exiting) return // sockets closed under a running loop during shutdown: not an error
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  await report({ t: "error", message })
  process.exit(1)
}
process.on("uncaughtException", fail)
process.on("unhandledRejection", fail)

// ---- library loading -----------------------------------------------------------------------
async function load(spec) {
  const mod = await import(spec)
  // CJS packages imported from ESM may only expose a default export
  return mod.Push || mod.Pull || !mod.default ? mod : mod.default
}

// Fixed CURVE key pairs for the "CURVE" rows (made with curveKeyPair(); benchmark use only).
const CURVE_SERVER = { publicKey: "({yRM!-O3f7?HMlJ*jL#5>@bytVuRq6i-/>e8V}v", secretKey: "@bY-Rf3=]9e4{o)ilmTSlnT6W<:3K5IFOOvH{J(!" }
const CURVE_CLIENT = { publicKey: "OR]k5n{vDIg7W!}:&f0fkDwguCY2SC&%[]yr!n2e", secretKey: ")JAw5sFXtCDx[w4l7uO3Pw9&Y:[8]&f0qS3}!oTP" }

/** CURVE options for this side: the receiving (or replying) side is the server. */
function securityOptions() {
  if (!cfg.curve) return {}
  if (cfg.role === "recv" || cfg.role === "echo" || cfg.role === "rep") return { curveServer: true, curvePublicKey: CURVE_SERVER.publicKey, curveSecretKey: CURVE_SERVER.secretKey }
  return { curveServerKey: CURVE_SERVER.publicKey, curvePublicKey: CURVE_CLIENT.publicKey, curveSecretKey: CURVE_CLIENT.secretKey }
}

// libzmq caps a context at 1023 sockets; the scale rows need thousands in one process. Since
// b797926 brokerless has zeromq.js's Context and the same cap, so both get the big context.
let bigContext = null
function contextOption(lib) {
  if (!cfg.manySockets || typeof lib.Context !== "function") return {}
  bigContext ??= new lib.Context({ maxSockets: 20000 })
  return { context: bigContext }
}

function make(lib, className, extra = {}) {
  const Cls = lib[className]
  if (typeof Cls !== "function") throw new Error(`library has no class ${className}`)
  const sock = new Cls({ linger: 0, ...securityOptions(), ...contextOption(lib), ...extra })
  sockets.push(sock)
  return sock
}

const rssKB = () => Math.round(process.memoryUsage().rss / 1024)

const elapsed = (t0) => Number(hrtime.bigint() - t0)

// ---- roles -----------------------------------------------------------------------------------
const roles = {
  /** Reports which classes the library exports (and zeromq's libzmq version). */
  async probe(lib) {
    const classes = Object.keys(lib).filter((k) => typeof lib[k] === "function")
    await report({ t: "probe", classes, version: typeof lib.version === "string" ? lib.version : null })
    process.exit(0)
  },

  /** Pull or Router: binds, receives exactly `count` messages, measures first -> last. */
  async recv(lib) {
    const router = cfg.kind === "router"
    const sock = make(lib, router ? "Router" : "Pull")
    if (cfg.connect) {
      await sock.connect(cfg.endpoint) // reversed topology: the sender bound, we dial it
    } else {
      await sock.bind(cfg.endpoint)
      await report({ t: "ready", endpoint: sock.lastEndpoint })
    }
    const { count: n, size } = cfg
    const frames = router ? 2 : 1
    let count = 0
    let bytes = 0
    let bad = 0
    onProgress = (seq) => void report({ t: "progress", seq, count })
    let t0 = 0n
    while (count < n) {
      const msg = await sock.receive()
      if (count === 0) t0 = hrtime.bigint()
      const payload = msg[msg.length - 1]
      count++
      bytes += payload.length
      if (msg.length !== frames || payload.length !== size || payload[0] !== FILL || payload[size - 1] !== FILL) bad++
    }
    const end = hrtime.bigint()
    // hrtime is CLOCK_MONOTONIC, shared by all processes: the driver compares it with the sender's start
    await report({ t: "result", count, bytes, bad, ns: Number(end - t0), end: String(end) })
  },

  /** Push or Dealer: connects and sends `count` identical messages, one await each. */
  async send(lib) {
    const sock = make(lib, cfg.kind === "dealer" ? "Dealer" : "Push")
    if (cfg.bind) {
      // Reversed topology: bind and start at once; sends wait until the receiver connects.
      await sock.bind(cfg.endpoint)
      await report({ t: "ready", endpoint: sock.lastEndpoint })
    } else {
      await sock.connect(cfg.endpoint)
    }
    const next = payloadFor(Buffer.alloc(cfg.size, FILL))
    const n = cfg.count
    const t0 = hrtime.bigint()
    for (let i = 0; i < n; i++) await sock.send(next())
    await report({ t: "sent", count: n, ns: elapsed(t0), start: String(t0) })
  },

  /** Reply: binds and echoes `count` requests (warm-up included). */
  async rep(lib) {
    const sock = make(lib, "Reply")
    await sock.bind(cfg.endpoint)
    await report({ t: "ready", endpoint: sock.lastEndpoint })
    let bytes = 0
    let bad = 0
    for (let i = 0; i < cfg.count; i++) {
      const msg = await sock.receive()
      const payload = msg[0]
      bytes += payload.length
      if (msg.length !== 1 || payload.length !== cfg.size) bad++
      await sock.send(payload)
    }
    await report({ t: "result", count: cfg.count, bytes, bad })
  },

  /** Request: `warmup` untimed round trips, then `count` timed ones; reports percentiles. */
  async req(lib) {
    const sock = make(lib, "Request")
    await sock.connect(cfg.endpoint)
    const next = payloadFor(Buffer.alloc(cfg.size, FILL))
    let bad = 0
    for (let i = 0; i < cfg.warmup; i++) {
      await sock.send(next())
      await sock.receive()
    }
    const n = cfg.count
    const lat = new Float64Array(n)
    let bytes = 0
    const t0 = hrtime.bigint()
    for (let i = 0; i < n; i++) {
      const a = hrtime.bigint()
      await sock.send(next())
      const msg = await sock.receive()
      lat[i] = Number(hrtime.bigint() - a)
      const payload = msg[0]
      bytes += payload.length
      if (msg.length !== 1 || payload.length !== cfg.size || payload[0] !== FILL) bad++
    }
    const ns = elapsed(t0)
    lat.sort()
    const pct = (p) => lat[Math.max(0, Math.ceil(p * n) - 1)]
    let sum = 0
    for (let i = 0; i < n; i++) sum += lat[i]
    await report({ t: "result", count: n, bytes, bad, ns, p50: pct(0.5), p99: pct(0.99), p999: pct(0.999), mean: sum / n, max: lat[n - 1] })
  },

  /**
   * Publisher: warm-up messages until told "go", then `count` data messages, then end markers.
   * With cfg.topics > 0 every message starts with an 8-octet topic ("t0000042"): data messages
   * cycle through the topics, warm-up ones use the last subscribed topic (so a subscriber that
   * sees one has all its subscriptions in place), and the kind octet follows the topic.
   */
  async pub(lib) {
    const topics = cfg.topics ?? 0
    const sock = make(lib, "Publisher")
    await sock.bind(cfg.endpoint)
    await report({ t: "ready", endpoint: sock.lastEndpoint })
    const message = (kind, topic) => {
      const m = Buffer.alloc(cfg.size, kind)
      if (topics > 0) m.write(topicName(topic), 0, "latin1")
      return m
    }
    const warm = message(PUB_WARM, topics - 1)
    const end = message(PUB_END, 0)
    // data messages: one Buffer per topic (a few), reused
    const data = []
    const distinct = Math.min(Math.max(topics, 1), 1024)
    for (let i = 0; i < distinct; i++) data.push(message(PUB_DATA, Math.floor((i * Math.max(topics, 1)) / distinct)))
    await command("warmup")
    // Warm-up: one message per event-loop turn so the "go" command can get in.
    while (!seen.has("go")) {
      await sock.send(warm)
      await tick()
    }
    // A row may ask for a burst of warm-up messages sent as the timed ones are (cfg.warmBurst),
    // so the timed phase runs on compiled code: without it brokerless's pub/sub x4 rate kept
    // rising with the message count up to ~300k (144-202k msg/s/sub at 93k, 335-415k at 285k).
    for (let i = 0; i < (cfg.warmBurst ?? 0); i++) await sock.send(warm)
    const n = cfg.count
    const t0 = hrtime.bigint()
    for (let i = 0; i < n; i++) await sock.send(data[i % distinct])
    await report({ t: "sent", count: n, ns: elapsed(t0) })
    // End markers until the driver says "exit" (markers can be dropped at HWM too).
    for (;;) {
      await sock.send(end)
      await tick()
    }
  },

  /**
   * cfg.sockets Subscribers (default 1) in this process, each with cfg.topics subscriptions (0:
   * everything). Reports "warm" once every socket saw a warm-up message, then one result with
   * each socket's count and first -> last time.
   */
  async sub(lib) {
    const k = cfg.sockets ?? 1
    const topics = cfg.topics ?? 0
    const at = topics > 0 ? 8 : 0 // where the kind octet is
    const subs = []
    for (let i = 0; i < k; i++) {
      // libzmq sends a new connection's subscriptions through the pipe and drops those beyond
      // its high-water mark, and only XSubscriber has a send high-water mark to lift: with
      // thousands of topics, subscribe through one (each subscription a 0x01 message).
      const sock = topics > 0 ? make(lib, "XSubscriber", { sendHighWaterMark: 0 }) : make(lib, "Subscriber")
      if (topics > 0) for (let t = 0; t < topics; t++) await sock.send(Buffer.from(`\x01${topicName(t)}`, "latin1"))
      else sock.subscribe()
      await sock.connect(cfg.endpoint)
      subs.push(sock)
    }
    let warmSockets = 0
    const size = cfg.size
    const one = async (sock) => {
      let warm = false
      let count = 0
      let bytes = 0
      let bad = 0
      let t0 = 0n
      let tLast = 0n
      for (;;) {
        const msg = await sock.receive()
        const m = msg[0]
        const kind = m[at]
        if (kind === PUB_DATA) {
          tLast = hrtime.bigint()
          if (count === 0) t0 = tLast
          count++
          bytes += m.length
          if (msg.length !== 1 || m.length !== size || m[size - 1] !== PUB_DATA) bad++
        } else if (kind === PUB_WARM) {
          if (!warm) {
            warm = true
            if (++warmSockets === k) void report({ t: "warm" })
          }
        } else if (kind === PUB_END) {
          break
        } else {
          bad++
        }
      }
      return { count, bytes, bad, ns: Number(tLast - t0), t0, tLast }
    }
    const results = await Promise.all(subs.map(one))
    const first = results.reduce((a, r) => (r.count && (a === 0n || r.t0 < a) ? r.t0 : a), 0n)
    const last = results.reduce((a, r) => (r.tLast > a ? r.tLast : a), 0n)
    await report({
      t: "result",
      counts: results.map((r) => r.count),
      nss: results.map((r) => r.ns),
      bytes: results.reduce((a, r) => a + r.bytes, 0),
      bad: results.reduce((a, r) => a + r.bad, 0),
      spanNs: Number(last - first),
    })
    // stop receiving; wait for "exit"
  },

  /**
   * Router for the "Router x N Dealers" rows: counts one hello per Dealer, reports "joined" with
   * its RSS, then receives `count` messages from all of them and times first -> last.
   */
  async router(lib) {
    const sock = make(lib, "Router")
    await sock.bind(cfg.endpoint)
    const rss0 = rssKB()
    await report({ t: "ready", endpoint: sock.lastEndpoint })
    let hellos = 0
    while (hellos < cfg.dealers) {
      const msg = await sock.receive()
      if (msg[msg.length - 1][0] === HELLO) hellos++
      if (hellos % 500 === 0) void report({ t: "joining", count: hellos })
    }
    await report({ t: "joined", rssKB: rssKB() - rss0 })
    const n = cfg.count
    let count = 0
    let bytes = 0
    let bad = 0
    let t0 = 0n
    while (count < n) {
      const msg = await sock.receive()
      if (count === 0) t0 = hrtime.bigint()
      const payload = msg[msg.length - 1]
      count++
      bytes += payload.length
      if (msg.length !== 2 || payload.length !== cfg.size || payload[0] !== FILL) bad++
    }
    await report({ t: "result", count, bytes, bad, ns: elapsed(t0) })
  },

  /** cfg.dealers Dealers in this process: connect, say hello, then on "go" send `count` round robin. */
  async dealers(lib) {
    const n = cfg.dealers
    const rss0 = rssKB()
    const list = []
    const hello = Buffer.from([HELLO])
    for (let i = 0; i < n; i++) {
      const sock = make(lib, "Dealer")
      await sock.connect(cfg.endpoint)
      list.push(sock)
      await sock.send(hello) // waits for its connection (Dealer blocks without a peer)
      if (i % 100 === 99) await tick() // let connections progress (and the driver's commands in)
    }
    await report({ t: "connected", rssKB: rssKB() - rss0 })
    await command("go")
    const buf = Buffer.alloc(cfg.size, FILL)
    const count = cfg.count
    const t0 = hrtime.bigint()
    for (let i = 0; i < count; i++) await list[i % n].send(buf)
    await report({ t: "sent", count, ns: elapsed(t0) })
  },

  /** Echo Router for the churn rows: sends every message back to its sender, until "exit". */
  async echo(lib) {
    const sock = make(lib, "Router")
    await sock.bind(cfg.endpoint)
    await report({ t: "ready", endpoint: sock.lastEndpoint })
    for (;;) await sock.send(await sock.receive())
  },

  /**
   * Connection churn: cfg.warmup untimed, then cfg.count timed times (cfg.parallel at once) a new
   * Dealer connects, does one round trip through the echo Router (so the handshake, CURVE
   * included, is complete) and closes.
   */
  async churn(lib) {
    const ping = Buffer.alloc(cfg.size, FILL)
    let started = 0
    let done = 0
    let bad = 0
    let total = 0
    const loop = async () => {
      while (started < total) {
        started++
        const sock = make(lib, "Dealer")
        await sock.connect(cfg.endpoint)
        await sock.send(ping)
        const reply = await sock.receive()
        if (reply.length !== 1 || reply[0].length !== cfg.size) bad++
        sock.close()
        sockets.splice(sockets.indexOf(sock), 1)
        done++
      }
    }
    total = cfg.warmup ?? 0
    await Promise.all(Array.from({ length: cfg.parallel }, loop))
    started = done = bad = 0
    total = cfg.count
    const t0 = hrtime.bigint()
    await Promise.all(Array.from({ length: cfg.parallel }, loop))
    await report({ t: "result", count: done, bad, ns: elapsed(t0) })
  },
}

try {
  const role = roles[cfg.role]
  if (!role) throw new Error(`unknown role ${cfg.role}`)
  const lib = await load(cfg.lib)
  await role(lib)
} catch (err) {
  await fail(err)
}
