// Child-process plumbing and the per-scenario choreography used by bench/compare.js.
// Every child is started here, and only children started here are ever killed (by their PID).

import { fork } from "node:child_process"
import { rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const PEER = fileURLToPath(new URL("./peer.js", import.meta.url))
const STALL_MS = 2000 // no receiver progress for this long after the sender finished => FAILED
const EXIT_GRACE_MS = 5000

export class Outcome extends Error {
  /** @param {"FAILED"|"TIMEOUT"|"ERROR"} status */
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A forked bench/peer.js with a small message inbox. */
export class Child {
  constructor(config, tag, onDeath = () => {}, nodeArgs = []) {
    this.tag = tag
    this.onDeath = onDeath
    this.inbox = []
    this.waiters = []
    this.latest = new Map()
    this.output = ""
    this.dead = null
    this.bye = null
    this.proc = fork(PEER, [JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe", "ipc"], execArgv: nodeArgs })
    this.pid = this.proc.pid
    const keep = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-1500)
    }
    this.proc.stdout.on("data", keep)
    this.proc.stderr.on("data", keep)
    this.exited = new Promise((resolve) => this.proc.once("exit", resolve))
    this.proc.on("message", (m) => this.#onMessage(m))
    this.proc.on("error", (err) => this.#die(`${tag}: ${err.message}`))
    this.proc.once("exit", (code, signal) => {
      // let any last IPC messages and output arrive before failing the waiters
      setImmediate(() => this.#die(`${tag} exited (${signal ?? `code ${code}`})${this.#tail()}`))
    })
  }

  #tail() {
    const text = this.output.trim()
    return text ? `: ${text.split("\n").slice(-3).join(" | ")}` : ""
  }

  #onMessage(m) {
    if (m.t === "bye") this.bye = m
    if (m.t === "error") return this.#die(`${this.tag}: ${m.message}`)
    this.latest.set(m.t, m)
    const i = this.waiters.findIndex((w) => w.type === m.t)
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m)
    else this.inbox.push(m)
  }

  #die(reason) {
    if (this.dead) return
    this.dead = reason
    this.onDeath(reason)
    for (const w of this.waiters.splice(0)) w.reject(new Outcome("ERROR", reason))
  }

  /** Next not-yet-consumed message of a type; rejects if the child fails or exits first. */
  next(type) {
    const i = this.inbox.findIndex((m) => m.t === type)
    let p
    if (i >= 0) p = Promise.resolve(this.inbox.splice(i, 1)[0])
    else if (this.dead) p = Promise.reject(new Outcome("ERROR", this.dead))
    else p = new Promise((resolve, reject) => this.waiters.push({ type, resolve, reject }))
    p.catch(() => {}) // callers may race this promise away; never an unhandled rejection
    return p
  }

  post(message) {
    if (this.proc.connected) this.proc.send(message, () => {})
  }

  kill() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return
    try {
      process.kill(this.pid, "SIGKILL")
    } catch {
      // already gone
    }
  }
}

let endpointSeq = 0
function endpointFor(transport) {
  if (transport === "tcp") return { endpoint: "tcp://127.0.0.1:0", file: null }
  if (transport === "ws") return { endpoint: `ws://127.0.0.1:0/bench-${++endpointSeq}`, file: null }
  const file = join(tmpdir(), `brokerless-bench-${process.pid}-${++endpointSeq}.sock`)
  rmSync(file, { force: true })
  return { endpoint: `ipc://${file}`, file }
}

/**
 * Runs one measurement of one row with one library.
 * Resolves to { status: "OK"|"FAILED"|"TIMEOUT"|"ERROR", ...metrics, rss, error? }.
 */
export async function measure(row, libSpec, count, { timeoutMs, progress, nodeArgs = [] }) {
  const children = []
  // Any child failing or exiting before the result is in fails the whole measurement at once
  // (e.g. a crashed replier would otherwise leave the requester waiting until the timeout).
  let settled = false
  let abort
  const aborted = new Promise((_, reject) => {
    abort = reject
  })
  aborted.catch(() => {})
  const spawn = (config, tag) => {
    const child = new Child({ ...config, lib: libSpec, env: row.env }, tag, (reason) => {
      if (!settled) abort(new Outcome("ERROR", reason))
    }, nodeArgs)
    children.push(child)
    return child
  }
  const { endpoint, file } = endpointFor(row.transport)
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Outcome("TIMEOUT", `no result within ${timeoutMs / 1000} s`)), timeoutMs)
  })
  try {
    const result = await Promise.race([SCENARIOS[row.kind](spawn, row, count, endpoint, progress), timeout, aborted])
    settled = true
    for (const c of children) c.post({ t: "exit" })
    await Promise.race([Promise.all(children.map((c) => c.exited)), delay(EXIT_GRACE_MS)])
    result.rss = rssOf(row, children)
    return { status: "OK", count, ...result }
  } catch (err) {
    const status = err instanceof Outcome ? err.status : "ERROR"
    return { status, count, error: err.message, rss: rssOf(row, children) }
  } finally {
    settled = true
    clearTimeout(timer)
    for (const c of children) c.kill()
    await Promise.race([Promise.all(children.map((c) => c.exited)), delay(EXIT_GRACE_MS)])
    if (file) rmSync(file, { force: true })
  }
}

/** Peak RSS in KiB: [sender-ish side, receiver-ish side] (pub/sub: publisher, largest subscriber). */
function rssOf(row, children) {
  const kb = (c) => c?.bye?.maxRSS ?? null
  const byTag = (prefix) => children.filter((c) => c.tag.startsWith(prefix))
  const max = (list) => {
    const values = list.map(kb)
    return values.length && !values.includes(null) ? Math.max(...values) : null
  }
  if (row.kind === "pubsub") return [kb(byTag("publisher")[0]), max(byTag("subscriber"))]
  if (row.kind === "latency") return [kb(byTag("requester")[0]), kb(byTag("replier")[0])]
  return [kb(byTag("sender")[0]), kb(byTag("receiver")[0])]
}

// ---- scenarios -------------------------------------------------------------------------------

/**
 * push/pull and dealer/router: receiver binds, sender connects (or, with row.reverse, the
 * sender binds and the receiver connects); the receiver times first -> last.
 */
async function throughput(spawn, row, count, endpoint) {
  const { size } = row
  let recv, send
  if (row.reverse) {
    send = spawn({ role: "send", kind: row.send, endpoint, count, size, bind: true }, "sender")
    const ready = await send.next("ready")
    recv = spawn({ role: "recv", kind: row.recv, endpoint: ready.endpoint, count, size, connect: true }, "receiver")
  } else {
    recv = spawn({ role: "recv", kind: row.recv, endpoint, count, size, curve: row.curve }, "receiver")
    const ready = await recv.next("ready")
    send = spawn({ role: "send", kind: row.send, endpoint: ready.endpoint, count, size, curve: row.curve }, "sender")
  }
  const resultP = recv.next("result")
  const sentP = send.next("sent")
  const first = await Promise.race([sentP, resultP])
  let result = first.t === "result" ? first : null
  if (!result) {
    // Sender is done. Wait for the receiver, but fail fast if it stops making progress.
    let seq = 0
    let lastCount = -1
    for (;;) {
      result = await Promise.race([resultP, delay(STALL_MS).then(() => null)])
      if (result) break
      const p = recv.latest.get("progress")
      if (p && p.seq === seq) {
        if (p.count === lastCount) throw new Outcome("FAILED", `receiver stalled at ${p.count} of ${count} messages`)
        lastCount = p.count
      }
      recv.post({ t: "progress", seq: ++seq })
    }
  }
  const sent = await sentP
  const want = count * size
  if (sent.count !== count || result.count !== count || result.bytes !== want || result.bad !== 0) {
    throw new Outcome(
      "FAILED",
      `sent ${sent.count}, received ${result.count} msgs / ${result.bytes} B (want ${count} / ${want}), ${result.bad} malformed`,
    )
  }
  const secs = result.ns / 1e9
  const rate = (count - 1) / secs
  // End to end: the sender's first send() to the receiver's last message. The row's rate (first
  // to last message at the receiver) leaves out how long the first message took to arrive.
  const e2eSecs = result.end && sent.start ? Number(BigInt(result.end) - BigInt(sent.start)) / 1e9 : null
  const e2eRate = e2eSecs > 0 ? count / e2eSecs : null
  return { secs, rate, mbps: (rate * size) / 1e6, sendSecs: sent.ns / 1e9, e2eRate }
}

/** req/rep: replier binds, requester connects, warm-up round trips, then timed round trips. */
async function latency(spawn, row, count, endpoint) {
  const { size } = row
  // A fresh Node process spends its first ~2000 round trips with V8 still compiling the hot path
  // (latency spikes of 0.2-1 ms); 3000 untimed ones keep that out of the steady-state p99.
  const warmup = Math.min(3000, Math.max(50, count))
  const rep = spawn({ role: "rep", endpoint, count: count + warmup, size, curve: row.curve }, "replier")
  const ready = await rep.next("ready")
  const req = spawn({ role: "req", endpoint: ready.endpoint, count, warmup, size, curve: row.curve }, "requester")
  const r = await req.next("result")
  const s = await rep.next("result")
  const total = count + warmup
  if (r.count !== count || r.bad !== 0 || r.bytes !== count * size || s.count !== total || s.bytes !== total * size || s.bad !== 0) {
    throw new Outcome(
      "FAILED",
      `requester got ${r.count} replies / ${r.bytes} B (${r.bad} malformed), replier got ${s.count} / ${s.bytes} B (want ${total} / ${total * size})`,
    )
  }
  const secs = r.ns / 1e9
  return { secs, rate: count / secs, p50us: r.p50 / 1e3, p99us: r.p99 / 1e3, p999us: r.p999 / 1e3, meanUs: r.mean / 1e3, maxUs: r.max / 1e3 }
}

/**
 * pub/sub: row.subscribers Subscriber sockets spread over row.subProcesses processes (default:
 * one each), each with row.topics subscriptions (0: everything). Subscribers confirm a warm-up
 * message before the timed phase; loss is counted.
 */
async function pubsub(spawn, row, count, endpoint, progress) {
  const { size, subscribers } = row
  const topics = row.topics ?? 0
  const manySockets = subscribers > 50
  const pub = spawn({ role: "pub", endpoint, count, size, topics, manySockets, warmBurst: row.warmBurst }, "publisher")
  const ready = await pub.next("ready")
  const procs = Math.min(subscribers, row.subProcesses ?? subscribers)
  const subs = []
  for (let i = 0; i < procs; i++) {
    const sockets = Math.floor(subscribers / procs) + (i < subscribers % procs ? 1 : 0)
    subs.push(spawn({ role: "sub", endpoint: ready.endpoint, size, topics, sockets, manySockets }, `subscriber${i + 1}`))
  }
  pub.post({ t: "warmup" })
  await Promise.all(subs.map((s) => s.next("warm")))
  progress?.("subscribers warm, publishing")
  pub.post({ t: "go" })
  const sent = await pub.next("sent")
  const results = await Promise.all(subs.map((s) => s.next("result")))
  const counts = results.flatMap((r) => r.counts)
  const nss = results.flatMap((r) => r.nss)
  const bytes = results.reduce((a, r) => a + r.bytes, 0)
  const badCount = results.reduce((a, r) => a + r.bad, 0)
  const delivered = counts.reduce((a, b) => a + b, 0)
  if (badCount !== 0 || counts.some((c) => c > count) || bytes !== delivered * size) {
    throw new Outcome("FAILED", `subscribers got ${delivered} msgs / ${bytes} B (${badCount} malformed) of ${count} published to each of ${subscribers}`)
  }
  const rates = counts.map((c, i) => (c > 1 && nss[i] > 0 ? (c - 1) / (nss[i] / 1e9) : 0))
  const span = Math.max(...results.map((r) => r.spanNs)) / 1e9
  const secs = Math.max(sent.ns / 1e9, span)
  // every delivery over the whole span: first delivery anywhere to the last one anywhere
  const totalRate = span > 0 ? delivered / span : 0
  return {
    secs,
    // Many subscribers per process get their messages in bursts, so a per-socket first -> last
    // rate says little there: the fan-out rows report the total rate shared out.
    rate: procs < subscribers ? totalRate / subscribers : rates.reduce((a, b) => a + b, 0) / rates.length,
    totalRate,
    loss: 1 - delivered / (count * subscribers),
    pubRate: count / (sent.ns / 1e9),
    perSub: counts.length <= 10 ? counts : undefined,
  }
}

/**
 * Router x N Dealers: all N Dealers live in one process, say hello (so every connection is up),
 * then send `count` messages round robin; the Router times first -> last. RSS growth per
 * connection is measured on both sides between "bound/no sockets" and "all connected".
 */
async function fanIn(spawn, row, count, endpoint, progress) {
  const { size, dealers } = row
  const manySockets = dealers > 50
  const router = spawn({ role: "router", endpoint, count, size, dealers, manySockets }, "receiver")
  const ready = await router.next("ready")
  const sender = spawn({ role: "dealers", endpoint: ready.endpoint, count, size, dealers, manySockets }, "sender")
  const [joined, connected] = await Promise.all([router.next("joined"), sender.next("connected")])
  progress?.(`${dealers} dealers connected`)
  sender.post({ t: "go" })
  const result = await router.next("result")
  const sent = await sender.next("sent")
  if (result.count !== count || result.bytes !== count * size || result.bad !== 0) {
    throw new Outcome("FAILED", `router got ${result.count} msgs / ${result.bytes} B (${result.bad} malformed) of ${count}`)
  }
  const secs = result.ns / 1e9
  const rate = (count - 1) / secs
  return {
    secs,
    rate,
    mbps: (rate * size) / 1e6,
    sendSecs: sent.ns / 1e9,
    routerConnKB: joined.rssKB / dealers,
    dealerConnKB: connected.rssKB / dealers,
  }
}

/**
 * Connection churn: connect + handshake + one round trip + close, row.parallel at a time. As many
 * untimed connections go first (at most row.warmup): a fresh brokerless process runs its first
 * thousands of connections at a third to half of its later rate while V8 compiles the
 * connection path (zeromq's native path needs no warm-up); the row measures a service that has
 * been running, README gives the cold figure beside it.
 */
async function churn(spawn, row, count, endpoint) {
  const echo = spawn({ role: "echo", endpoint, size: row.size, curve: row.curve }, "receiver")
  const ready = await echo.next("ready")
  const warmup = Math.min(row.warmup ?? 0, count)
  const client = spawn({ role: "churn", endpoint: ready.endpoint, count, warmup, size: row.size, parallel: row.parallel, curve: row.curve }, "sender")
  const r = await client.next("result")
  if (r.count !== count || r.bad !== 0) throw new Outcome("FAILED", `${r.count} of ${count} connections completed a round trip, ${r.bad} bad replies`)
  const secs = r.ns / 1e9
  return { secs, rate: count / secs }
}

const SCENARIOS = { throughput, latency, pubsub, fanIn, churn }

/** Starts a child that imports a library and lists its exported classes. */
export async function probe(libSpec, timeoutMs = 20000) {
  const child = new Child({ role: "probe", lib: libSpec }, "probe")
  let timer
  try {
    return await Promise.race([
      child.next("probe"),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Outcome("TIMEOUT", "import did not finish")), timeoutMs)
      }),
    ])
  } finally {
    clearTimeout(timer)
    child.kill()
    await child.exited
  }
}
