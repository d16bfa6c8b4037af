// Where the req/rep latency tail comes from: runs req/rep round trips (Reply in a child process,
// Request here), records every round trip with its start time, and the garbage collections of
// both processes (perf_hooks "gc" entries), then reports p50/p99/p99.9 and how many of the
// slowest 1 % and 0.1 % round trips overlapped a GC pause on either side.
//
//   node bench/latency-tail.js [--lib zeromq|PATH] [--size 16] [--count 20000] [--warmup 3000]
//                              [--transport tcp|ipc] [--curve]
//
// Default library: ../dist/index.js (brokerless). See bench/README.md, "Latency tails".
import { fork } from "node:child_process"
import { rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PerformanceObserver, performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"

const SELF = fileURLToPath(import.meta.url)
const CURVE_SERVER = { publicKey: "({yRM!-O3f7?HMlJ*jL#5>@bytVuRq6i-/>e8V}v", secretKey: "@bY-Rf3=]9e4{o)ilmTSlnT6W<:3K5IFOOvH{J(!" }
const CURVE_CLIENT = { publicKey: "OR]k5n{vDIg7W!}:&f0fkDwguCY2SC&%[]yr!n2e", secretKey: ")JAw5sFXtCDx[w4l7uO3Pw9&Y:[8]&f0qS3}!oTP" }

function args(argv) {
  const o = { lib: new URL("../dist/index.js", import.meta.url).href, size: 16, count: 20000, warmup: 3000, transport: "tcp", curve: false, child: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === "--lib") o.lib = argv[++i] === "zeromq" ? "zeromq" : pathToFileURL(argv[i]).href
    else if (a === "--size") o.size = Number(argv[++i])
    else if (a === "--count") o.count = Number(argv[++i])
    else if (a === "--warmup") o.warmup = Number(argv[++i])
    else if (a === "--transport") o.transport = argv[++i]
    else if (a === "--curve") o.curve = true
    else if (a === "--child") o.child = JSON.parse(argv[++i])
    else throw new Error(`unknown argument ${a}`)
  }
  return o
}

async function load(spec) {
  const mod = await import(spec)
  return mod.Request ? mod : mod.default
}

/** GC pauses of this process as [start, end] in ms on the shared performance.timeOrigin clock. */
function watchGc() {
  const pauses = []
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push([performance.timeOrigin + e.startTime, performance.timeOrigin + e.startTime + e.duration])
  })
  obs.observe({ entryTypes: ["gc"] })
  return pauses
}

async function replier(cfg) {
  const lib = await load(cfg.lib)
  const pauses = watchGc()
  const sock = new lib.Reply({ linger: 0, ...(cfg.curve ? { curveServer: true, curveSecretKey: CURVE_SERVER.secretKey } : {}) })
  await sock.bind(cfg.endpoint)
  process.send({ t: "ready", endpoint: sock.lastEndpoint })
  for (let i = 0; i < cfg.total; i++) await sock.send((await sock.receive())[0])
  await new Promise((resolve) => setTimeout(resolve, 50)) // let the last gc entries arrive
  process.send({ t: "gc", pauses }, () => process.exit(0))
}

async function main(o) {
  const endpoint = o.transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${join(tmpdir(), `latency-tail-${process.pid}.sock`)}`
  const total = o.count + o.warmup
  const child = fork(SELF, ["--child", JSON.stringify({ lib: o.lib, endpoint, total, curve: o.curve })])
  const messages = []
  const next = (t) => new Promise((resolve) => {
    const found = messages.find((m) => m.t === t)
    if (found) return resolve(found)
    child.on("message", function on(m) { if (m.t === t) { child.off("message", on); resolve(m) } })
  })
  child.on("message", (m) => messages.push(m))
  const ready = await next("ready")
  const lib = await load(o.lib)
  const sock = new lib.Request({ linger: 0, ...(o.curve ? { curveServerKey: CURVE_SERVER.publicKey, curvePublicKey: CURVE_CLIENT.publicKey, curveSecretKey: CURVE_CLIENT.secretKey } : {}) })
  sock.connect(ready.endpoint)
  const buf = Buffer.alloc(o.size, 0x61)
  for (let i = 0; i < o.warmup; i++) {
    await sock.send(buf)
    await sock.receive()
  }
  const pauses = watchGc()
  const start = new Float64Array(o.count)
  const lat = new Float64Array(o.count)
  for (let i = 0; i < o.count; i++) {
    const a = performance.now()
    await sock.send(buf)
    await sock.receive()
    const b = performance.now()
    start[i] = performance.timeOrigin + a
    lat[i] = b - a
  }
  const theirs = (await next("gc")).pauses
  sock.close()
  if (o.transport === "ipc") rmSync(endpoint.slice(6), { force: true })
  report(o, start, lat, pauses, theirs)
}

function report(o, start, lat, ours, theirs) {
  const order = [...lat.keys()].sort((a, b) => lat[a] - lat[b])
  const pct = (p) => lat[order[Math.max(0, Math.ceil(p * order.length) - 1)]] * 1000
  const overlaps = (pauses, i) => pauses.some(([s, e]) => s < start[i] + lat[i] && e > start[i])
  const share = (fraction) => {
    const slow = order.slice(Math.floor(order.length * (1 - fraction)))
    const gcOurs = slow.filter((i) => overlaps(ours, i)).length
    const gcTheirs = slow.filter((i) => overlaps(theirs, i)).length
    const either = slow.filter((i) => overlaps(ours, i) || overlaps(theirs, i)).length
    return `${slow.length} slowest: ${either} overlap a GC pause (${gcOurs} requester, ${gcTheirs} replier)`
  }
  const gcMs = (p) => p.reduce((a, [s, e]) => a + e - s, 0).toFixed(1)
  const lib = o.lib === "zeromq" ? "zeromq" : "brokerless"
  console.log(`${lib} req/rep ${o.transport}${o.curve ? " CURVE" : ""} ${o.size} B, ${o.count} round trips after ${o.warmup} warm-up`)
  console.log(`  p50 ${pct(0.5).toFixed(1)} µs  p99 ${pct(0.99).toFixed(1)} µs  p99.9 ${pct(0.999).toFixed(1)} µs  max ${(lat[order[order.length - 1]] * 1000).toFixed(0)} µs`)
  console.log(`  GC during the timed phase: requester ${ours.length} pauses / ${gcMs(ours)} ms, replier ${theirs.length} pauses / ${gcMs(theirs)} ms (replier: warm-up included)`)
  console.log(`  ${share(0.01)}`)
  console.log(`  ${share(0.001)}`)
}

const o = args(process.argv.slice(2))
if (o.child) await replier(o.child)
else await main(o)
