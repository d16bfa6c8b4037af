// Benchmark driver: runs the same scenarios against zeromq (zeromq.js v6, native libzmq) and
// brokerless in one run, each side of every measurement in its own child process
// (bench/peer.js), and prints a Markdown table with medians and brokerless/zeromq ratios.
//
//   node bench/compare.js [--quick] [--runs N] [--filter S]... [--libs zeromq,brokerless]
//                         [--brokerless SPEC] [--json [FILE]] [--timeout SEC] [--scale F] [--list]
//
// See bench/README.md.

import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { arch, availableParallelism, cpus, loadavg, platform } from "node:os"
import { isAbsolute, relative, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { measure, probe } from "./harness.js"
import { logLogChart } from "./svg-chart.js"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const DEFAULT_BROKERLESS = new URL("../dist/index.js", import.meta.url)
const DEFAULT_JSON = fileURLToPath(new URL("./results.jsonl", import.meta.url))
const DEFAULT_CHARTS = fileURLToPath(new URL("./charts", import.meta.url))
const KiB = 1024
const MiB = 1024 * KiB
const LIBS = ["zeromq", "brokerless", "net"]
const RAW_NET = new URL("./raw-net.js", import.meta.url).href

// ---- rows ------------------------------------------------------------------------------------
// `count` is sized for roughly 0.5-2 s per measurement with zeromq on a small (2-core) machine;
// `quick` is the --quick count. Later runs of a row re-size the count from the first run's
// duration (see adapt()), so a much slower library still takes about a second per run.
const THROUGHPUT_COUNTS = {
  16: { count: 100_000, quick: 20_000 },
  256: { count: 100_000, quick: 20_000 },
  [4 * KiB]: { count: 40_000, quick: 8_000 },
  [64 * KiB]: { count: 8_000, quick: 1_500 },
  [MiB]: { count: 800, quick: 150 },
}

function buildRows() {
  const rows = []
  for (const transport of ["tcp", "ipc"]) {
    for (const size of [16, 256, 4 * KiB, 64 * KiB, MiB]) {
      rows.push({
        scenario: "push/pull",
        kind: "throughput",
        transport,
        size,
        send: "push",
        recv: "pull",
        classes: ["Push", "Pull"],
        raw: true,
        ...THROUGHPUT_COUNTS[size],
      })
    }
  }
  // WebSocket (RFC 45): the same push/pull next to tcp. zeromq's ws:// works (libzmq 4.3.5 built
  // with it) although its capability() does not list it.
  for (const size of [16, 4 * KiB, 64 * KiB, MiB]) {
    rows.push({ scenario: "push/pull", kind: "throughput", transport: "ws", size, send: "push", recv: "pull", classes: ["Push", "Pull"], ...THROUGHPUT_COUNTS[size] })
  }
  // The same large-message rows with the receiver connecting (workers dialing a producer).
  for (const transport of ["tcp", "ipc"]) {
    for (const size of [64 * KiB, MiB]) {
      rows.push({
        scenario: "push/pull, pull connects",
        kind: "throughput",
        transport,
        size,
        send: "push",
        recv: "pull",
        reverse: true,
        classes: ["Push", "Pull"],
        ...THROUGHPUT_COUNTS[size],
      })
    }
  }
  // Encrypted: every frame boxed with CURVE (brokerless: sodium-native from 512 B where installed,
  // as here, else libsodium in WebAssembly; X25519 from node:crypto; zeromq: native libsodium).
  for (const [size, count, quick] of [[16, 100_000, 20_000], [64 * KiB, 2_000, 400]]) {
    rows.push({ scenario: "push/pull, CURVE", kind: "throughput", transport: "tcp", size, send: "push", recv: "pull", curve: true, classes: ["Push", "Pull"], count, quick })
  }
  // The same without sodium-native (an optional package): what a default install gets.
  rows.push({ scenario: "push/pull, CURVE, WebAssembly only", kind: "throughput", transport: "tcp", size: 64 * KiB, send: "push", recv: "pull", curve: true, env: { BROKERLESS_SODIUM: "wasm" }, classes: ["Push", "Pull"], count: 2_000, quick: 400 })
  for (const [size, count, quick] of [
    [16, 6_000, 1_000],
    [4 * KiB, 4_000, 1_000],
  ]) {
    for (const transport of ["tcp", "ipc", "ws"]) rows.push({ scenario: "req/rep", kind: "latency", transport, size, count, quick, classes: ["Request", "Reply"] })
  }
  // The latency tail under encryption (issue #14 asks for tcp, ipc and CURVE).
  rows.push({ scenario: "req/rep, CURVE", kind: "latency", transport: "tcp", size: 16, curve: true, count: 6_000, quick: 1_000, classes: ["Request", "Reply"] })
  rows.push({
    scenario: "pub/sub x4",
    kind: "pubsub",
    transport: "tcp",
    size: 64,
    subscribers: 4,
    count: 30_000,
    quick: 10_000,
    warmBurst: 100_000, // untimed, sent as the timed messages are (bench/peer.js pub)
    classes: ["Publisher", "Subscriber"],
  })
  rows.push({
    scenario: "dealer/router",
    kind: "throughput",
    transport: "tcp",
    size: 16,
    send: "dealer",
    recv: "router",
    count: 80_000,
    quick: 20_000,
    classes: ["Dealer", "Router"],
  })
  rows.push(...scaleRows())
  for (const row of rows) row.id = `${row.scenario} ${row.transport} ${sizeLabel(row.size)}`
  return rows
}

// Scale: how cost grows with peers, subscribers, subscriptions, and connection churn. `chart`
// groups rows into one SVG (x = the row's `x`).
function scaleRows() {
  const rows = []
  for (const [dealers, count, quick] of [[1, 100_000, 20_000], [100, 100_000, 20_000], [1000, 100_000, 20_000], [5000, 100_000, 20_000]]) {
    rows.push({ scenario: `router, ${fmtInt(dealers)} dealers`, kind: "fanIn", transport: "tcp", size: 16, dealers, count, quick, classes: ["Dealer", "Router"], chart: "dealers", x: dealers, timeout: dealers >= 1000 ? 180 : undefined })
  }
  for (const [subscribers, count, quick] of [[1, 100_000, 20_000], [10, 30_000, 6_000], [100, 2_000, 500], [500, 400, 100]]) {
    rows.push({
      scenario: `pub/sub fan-out, ${fmtInt(subscribers)} subs`,
      kind: "pubsub",
      transport: "tcp",
      size: 64,
      subscribers,
      subProcesses: Math.max(2, Math.ceil(subscribers / 100)), // zeromq.js stalled with 250 Subscribers in one process
      count,
      quick,
      classes: ["Publisher", "Subscriber"],
      chart: "subscribers",
      x: subscribers,
      timeout: subscribers >= 100 ? 240 : undefined, // start-up alone: ~30 s for 500 zeromq.js Subscribers
    })
  }
  for (const [topics, count, quick] of [[1, 100_000, 20_000], [1000, 100_000, 20_000], [100_000, 100_000, 20_000]]) {
    rows.push({ scenario: `pub/sub, ${fmtInt(topics)} subscriptions`, kind: "pubsub", transport: "tcp", size: 64, subscribers: 1, topics, count, quick, classes: ["Publisher", "XSubscriber"], chart: "subscriptions", x: topics, timeout: topics >= 100_000 ? 180 : undefined })
  }
  // Churn after as many untimed connections (a running service), and the first 1,000 of a fresh
  // process (cold: V8 still compiling the connection path).
  for (const [curve, count, quick] of [[false, 3_000, 400], [true, 2_000, 200]]) {
    const mechanism = curve ? "CURVE" : "NULL"
    rows.push({ scenario: `churn, ${mechanism}`, kind: "churn", transport: "tcp", size: 16, curve, parallel: 8, count, warmup: count, quick, classes: ["Dealer", "Router"] })
    rows.push({ scenario: `churn, ${mechanism}, first 1,000`, kind: "churn", transport: "tcp", size: 16, curve, parallel: 8, count: 1_000, warmup: 0, quick, classes: ["Dealer", "Router"] })
  }
  return rows
}

// ---- arguments -------------------------------------------------------------------------------
const USAGE = `usage: node bench/compare.js [options]
  --quick            1 run per library and few messages (smoke test, < 1 min)
  --runs N           measurements per library per row, median reported (default 3; --quick: 1)
  --filter S         only rows whose name contains S (case-insensitive; repeatable, OR-ed)
  --libs A,B         libraries to run: zeromq,brokerless,net (default all; net = the raw
                     node:net ceiling, push/pull rows only)
  --brokerless SPEC  module to use as "brokerless" (default ../dist/index.js; a path or a package
                     name, e.g. --brokerless zeromq to check the harness with zeromq on both sides)
  --json [FILE]      append one JSON line per row to FILE (default bench/results.jsonl)
  --timeout SEC      hard limit per measurement; children are killed by PID (default 30; --quick: 10)
  --scale F          multiply all message counts by F (default 1)
  --node-args S      extra node flags for every child, e.g. "--cpu-prof --cpu-prof-dir=prof"
  --charts DIR       write SVG charts of the scale rows to DIR (default bench/charts; "none": off)
  --list             print the row names and exit
  --help             this text`

function parseArgs(argv) {
  const o = { quick: false, runs: null, filters: [], libs: [...LIBS], brokerless: null, json: null, timeout: null, scale: 1, list: false, nodeArgs: [], charts: DEFAULT_CHARTS }
  const value = (i, name) => {
    const v = argv[i + 1]
    if (v === undefined || v.startsWith("--")) die(`${name} needs a value`)
    return v
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    switch (a) {
      case "--quick":
        o.quick = true
        break
      case "--runs":
        o.runs = positiveInt(value(i++, a), a)
        break
      case "--filter":
        o.filters.push(value(i++, a).toLowerCase())
        break
      case "--libs":
        o.libs = value(i++, a)
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
        for (const l of o.libs) if (!LIBS.includes(l)) die(`unknown library "${l}" (known: ${LIBS.join(", ")})`)
        break
      case "--brokerless":
        o.brokerless = value(i++, a)
        break
      case "--json":
        o.json = argv[i + 1] !== undefined && !argv[i + 1].startsWith("--") ? resolve(argv[++i]) : DEFAULT_JSON
        break
      case "--timeout":
        o.timeout = Number(value(i++, a))
        if (!(o.timeout > 0)) die("--timeout needs a positive number of seconds")
        break
      case "--scale":
        o.scale = Number(value(i++, a))
        if (!(o.scale > 0)) die("--scale needs a positive number")
        break
      case "--list":
        o.list = true
        break
      case "--node-args":
        if (argv[i + 1] === undefined) die(`${a} needs a value`)
        o.nodeArgs = argv[++i].split(/\s+/).filter(Boolean) // its value starts with "--"
        break
      case "--charts":
        o.charts = value(i++, a) === "none" ? null : resolve(argv[i])
        break
      case "--help":
      case "-h":
        console.log(USAGE)
        process.exit(0)
        break
      default:
        die(`unknown argument ${a}\n${USAGE}`)
    }
  }
  o.runs ??= o.quick ? 1 : 3
  o.timeout ??= o.quick ? 10 : 30
  return o
}

function positiveInt(s, name) {
  const n = Number(s)
  if (!Number.isInteger(n) || n < 1) die(`${name} needs a positive integer`)
  return n
}

function die(message) {
  console.error(message)
  process.exit(2)
}

/** A module specifier the peer can import: file URL for paths, bare name for packages. */
function brokerlessSpec(arg) {
  if (arg === null) return DEFAULT_BROKERLESS.href
  if (arg.startsWith(".") || isAbsolute(arg) || arg.endsWith(".js")) return pathToFileURL(resolve(arg)).href
  return arg
}

// ---- formatting ------------------------------------------------------------------------------
function sizeLabel(n) {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`
  return `${n} B`
}

const fmtInt = (n) => n.toLocaleString("en-US")

function fmtCount(x) {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`
  return x.toFixed(0)
}

const fmtNum = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))

function median(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b)
  if (!v.length) return null
  const mid = v.length >> 1
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`
}

// ---- main ------------------------------------------------------------------------------------
const opts = parseArgs(process.argv.slice(2))
const allRows = buildRows()
const rows = opts.filters.length ? allRows.filter((r) => opts.filters.some((f) => r.id.toLowerCase().includes(f))) : allRows
if (opts.list) {
  for (const r of rows) console.log(r.id)
  process.exit(0)
}
if (!rows.length) die(`no row matches --filter ${opts.filters.join(", ")} (see --list)`)

const command = ["node", ...process.execArgv, relative(process.cwd(), process.argv[1]) || process.argv[1], ...process.argv.slice(2)]
  .map(shellQuote)
  .join(" ")
const cpuList = cpus()
const env = {
  node: process.version,
  platform: `${platform()} ${arch()}`,
  cpu: cpuList[0]?.model?.trim() ?? "unknown",
  cores: typeof availableParallelism === "function" ? availableParallelism() : cpuList.length,
  load: loadavg()[0].toFixed(2),
}

// Which libraries can run, and which classes they lack.
const libs = {}
for (const name of LIBS) {
  const spec = name === "zeromq" ? "zeromq" : name === "net" ? RAW_NET : brokerlessSpec(opts.brokerless)
  const lib = { name, spec, selected: opts.libs.includes(name), ok: false, classes: new Set(), note: "" }
  libs[name] = lib
  if (!lib.selected) {
    lib.note = "not selected (--libs)"
    continue
  }
  if (spec.startsWith("file:") && !existsSync(fileURLToPath(spec))) {
    lib.note = `not built (${relative(process.cwd(), fileURLToPath(spec))} missing; run npm run build) - skipping its rows`
    continue
  }
  try {
    const p = await probe(spec)
    lib.ok = true
    lib.classes = new Set(p.classes)
    lib.version = p.version
  } catch (err) {
    lib.note = `not built / failed to load (${err.message}) - skipping its rows`
  }
}
libs.zeromq.pkgVersion = readVersion("node_modules/zeromq/package.json")
libs.brokerless.pkgVersion = opts.brokerless === null ? readVersion("package.json") : null

function readVersion(file) {
  try {
    return JSON.parse(readFileSync(resolve(ROOT, file), "utf8")).version
  } catch {
    return null
  }
}

function libLine(lib) {
  if (!lib.ok) return `${lib.name}: ${lib.note}`
  if (lib.name === "net") return "node:net: the ceiling, push/pull over plain node:net with 4-octet length prefixes (bench/raw-net.js)"
  const what =
    lib.name === "zeromq"
      ? `zeromq ${lib.pkgVersion ?? "?"}${lib.version ? ` (libzmq ${lib.version})` : ""}`
      : opts.brokerless === null
        ? `brokerless ${lib.pkgVersion ?? ""} from dist/index.js`.replace("  ", " ")
        : `brokerless = ${lib.spec}`
  const needed = [...new Set(rows.flatMap((r) => r.classes))]
  const missing = needed.filter((c) => !lib.classes.has(c))
  return missing.length
    ? `${lib.name}: ${what}; missing class ${missing.join(", ")} - skipping rows that need ${missing.length > 1 ? "them" : "it"}`
    : `${lib.name}: ${what}`
}

console.log(`# brokerless vs zeromq benchmark\n`)
console.log(`- command: \`${command}\``)
console.log(`- node ${env.node} (${env.platform}), CPU: ${env.cpu}, ${env.cores} cores, load average ${env.load} at start`)
for (const name of LIBS) console.log(`- ${libLine(libs[name])}`)
console.log(
  `- ${opts.runs} run${opts.runs > 1 ? "s" : ""} per library per row${opts.runs > 1 ? " (median shown)" : ""}, ` +
    `${opts.quick ? "quick message counts" : "full message counts"}${opts.scale !== 1 ? ` x${opts.scale}` : ""}, timeout ${opts.timeout} s per measurement`,
)
console.log("")

/** Whether a library runs a row, or why not. */
function availability(lib, row) {
  if (!lib.selected) return { run: false, why: "skipped" }
  if (!lib.ok) return { run: false, why: "n/a (not built)" }
  if (lib.name === "net" && !row.raw) return { run: false, why: "—" }
  const missing = row.classes.filter((c) => !lib.classes.has(c))
  if (missing.length) return { run: false, why: `n/a (no ${missing.join(", ")})` }
  return { run: true }
}

/**
 * After an OK run outside 0.5-3 s (a library much faster or slower than zeromq, whose counts
 * the rows are sized for), size the next count so a run takes about 1.2 s. Full mode only;
 * ordinary noise leaves the count alone. A run that short would mostly time start-up and JIT
 * warm-up, so at a new count every earlier run of that library (all at the old count) is
 * discarded and the runs are repeated: a median never mixes counts (brokerless's pub/sub x4 ran
 * 216-260k msg/s/sub at 110k messages and 362-385k at 300k in one row, whose median then mixed
 * both). At most MAX_RESIZES per library and row; after that the count stays.
 */
const MAX_RESIZES = 2

function adapt(count, secs, row) {
  if (opts.quick || !(secs > 0) || (secs >= 0.5 && secs <= 3)) return count
  const floor = Math.max(100, Math.round(row.quick / 2))
  return Math.max(floor, Math.min(count * 8, Math.round((count * 1.2) / secs)))
}

const results = []
const started = Date.now()
for (const [ri, row] of rows.entries()) {
  const base = Math.max(10, Math.round((opts.quick ? row.quick : row.count) * opts.scale))
  const per = {}
  for (const name of LIBS) {
    const a = availability(libs[name], row)
    per[name] = { ...a, runs: [], count: base, resizes: 0, status: a.run ? "OK" : "SKIPPED" }
  }
  const wantsRun = (p) => p.run && p.status === "OK" && p.runs.length < opts.runs
  // Rounds beyond opts.runs only repeat runs discarded at a re-sizing (at most MAX_RESIZES).
  for (let round = 0; round < opts.runs * (MAX_RESIZES + 1) && LIBS.some((name) => wantsRun(per[name])); round++) {
    // alternate which library goes first, so neither always runs on a "cold" or "warm" machine
    const order = round % 2 ? [...LIBS].reverse() : LIBS
    for (const name of order) {
      const p = per[name]
      if (!wantsRun(p)) continue
      const progress = (what) => console.error(`[${ri + 1}/${rows.length}] ${row.id} ${name}: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
      const r = await measure(row, libs[name].spec, p.count, { timeoutMs: Math.max(opts.timeout, row.timeout ?? 0) * 1000, progress, nodeArgs: opts.nodeArgs })
      p.runs.push(r)
      const what =
        r.status !== "OK"
          ? `${r.status}: ${r.error}`
          : `${cellValue(row, r)} (${r.count} msgs, ${r.secs.toFixed(2)} s)`
      console.error(`[${ri + 1}/${rows.length}] ${row.id} ${name} run ${p.runs.length}/${opts.runs}: ${what}`)
      if (r.status !== "OK") {
        p.status = r.status
        p.error = r.error
        continue
      }
      const count = adapt(p.count, r.secs, row)
      if (count !== p.count && p.resizes < MAX_RESIZES) {
        p.resizes++
        const dropped = p.runs.splice(0).length
        console.error(`[${ri + 1}/${rows.length}] ${row.id} ${name}: ${dropped} run(s) at ${p.count} msgs discarded, next runs use ${count} msgs`)
        p.count = count
      }
    }
  }
  for (const name of LIBS) {
    const p = per[name]
    const ok = p.runs.filter((r) => r.status === "OK")
    if (p.status === "OK" && ok.length) {
      p.median = {}
      for (const key of ["rate", "mbps", "p50us", "p99us", "p999us", "meanUs", "loss", "pubRate", "totalRate", "routerConnKB", "dealerConnKB", "e2eRate"]) {
        const m = median(ok.map((r) => r[key]))
        if (m !== null) p.median[key] = m
      }
    }
    const peaks = (i) => {
      const v = p.runs.map((r) => r.rss?.[i]).filter((x) => typeof x === "number")
      return v.length ? Math.max(...v) / 1024 : null
    }
    p.rssMB = p.runs.length ? [peaks(0), peaks(1)] : null
  }
  results.push({ row, per })
}

// ---- table -----------------------------------------------------------------------------------
function cellValue(row, m) {
  if (row.kind === "latency") {
    const p999 = m.p999us === undefined ? "" : ` · p99.9 ${fmtNum(m.p999us)} µs`
    return `p50 ${fmtNum(m.p50us)} µs · p99 ${fmtNum(m.p99us)} µs${p999}`
  }
  if (row.kind === "pubsub") {
    const total = row.subscribers > 1 && m.totalRate !== undefined ? ` · ${fmtCount(m.totalRate)} total` : ""
    return `${fmtCount(m.rate)} msg/s/sub${total} · loss ${(m.loss * 100).toFixed(1)}%`
  }
  if (row.kind === "churn") return `${fmtCount(m.rate)} conn/s`
  if (row.kind === "fanIn") return `${fmtCount(m.rate)} msg/s · ${fmtNum(m.routerConnKB)} KB/conn`
  // large messages: also end to end (first send -> last receive), see README "The 1 MiB question"
  const e2e = row.size >= 64 * KiB && m.e2eRate ? ` (e2e ${fmtNum((m.e2eRate * row.size) / 1e6)})` : ""
  return `${fmtCount(m.rate)} msg/s · ${fmtNum(m.mbps)} MB/s${e2e}`
}

const notes = []
function cell(row, p) {
  if (!p.run) return p.why
  if (p.status !== "OK") {
    notes.push(p.error)
    return `**${p.status}** [${notes.length}]`
  }
  return cellValue(row, p.median)
}

function ratio(row, z, b) {
  if (z.status !== "OK" || b.status !== "OK" || !z.median || !b.median) return "—"
  const x = (a, c) => (a > 0 && c > 0 ? `${(a / c).toFixed(2)}×` : "—")
  if (row.kind === "latency") {
    const p999 = b.median.p999us && z.median.p999us ? ` · p99.9 ${x(b.median.p999us, z.median.p999us)}` : ""
    return `p50 ${x(b.median.p50us, z.median.p50us)} · p99 ${x(b.median.p99us, z.median.p99us)}${p999}`
  }
  return x(b.median.rate, z.median.rate)
}

function rssCell(per) {
  const parts = []
  for (const [name, short] of [
    ["zeromq", "zmq"],
    ["brokerless", "bl"],
  ]) {
    const r = per[name].rssMB
    if (!r) continue
    const f = (x) => (x === null ? "?" : x.toFixed(0))
    parts.push(`${short} ${f(r[0])}/${f(r[1])}`)
  }
  return parts.join(" · ") || "—"
}

/** brokerless against the raw node:net ceiling (push/pull rows). */
function ceiling(row, b, n) {
  if (!n.run || n.status !== "OK" || b.status !== "OK" || !n.median || !b.median) return "—"
  return `${(b.median.rate / n.median.rate).toFixed(2)}×`
}

const withNet = results.some(({ per }) => per.net.run)
const lines = [
  `| scenario | transport | size | zeromq | brokerless | ratio |${withNet ? " node:net | bl/net |" : ""} rss (MB, send/recv) |`,
  `|---|---|---:|---:|---:|---:|${withNet ? "---:|---:|" : ""}---:|`,
]
for (const { row, per } of results) {
  const net = withNet ? ` ${per.net.run ? cell(row, per.net) : "—"} | ${ceiling(row, per.brokerless, per.net)} |` : ""
  lines.push(
    `| ${row.scenario} | ${row.transport} | ${sizeLabel(row.size)} | ${cell(row, per.zeromq)} | ${cell(row, per.brokerless)} | ` +
      `${ratio(row, per.zeromq, per.brokerless)} |${net} ${rssCell(per)} |`,
  )
}
console.log(lines.join("\n"))
if (notes.length) {
  console.log("")
  notes.forEach((n, i) => console.log(`[${i + 1}] ${n}`))
}
console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`)

// ---- charts ----------------------------------------------------------------------------------
const CHARTS = {
  dealers: { title: "Router: messages/s in, against connected Dealers (tcp, 16 B)", xLabel: "Dealers", yLabel: "messages/s", y: (m) => m.rate },
  subscribers: { title: "Publisher fan-out: deliveries/s in total (tcp, 64 B)", xLabel: "Subscribers", yLabel: "deliveries/s", y: (m) => m.totalRate ?? m.rate },
  subscriptions: { title: "Publisher: messages/s against subscriptions held (tcp, 64 B)", xLabel: "subscriptions", yLabel: "messages/s", y: (m) => m.rate },
}
if (opts.charts) {
  for (const [chart, spec] of Object.entries(CHARTS)) {
    const group = results.filter(({ row }) => row.chart === chart)
    const series = ["zeromq", "brokerless"].map((name) => ({
      name,
      points: group.filter(({ per }) => per[name].status === "OK" && per[name].median).map(({ row, per }) => [row.x, spec.y(per[name].median)]),
    }))
    if (!series.some((s) => s.points.length > 1)) continue
    mkdirSync(opts.charts, { recursive: true })
    const file = resolve(opts.charts, `${chart}.svg`)
    writeFileSync(file, logLogChart({ ...spec, series }))
    console.error(`wrote ${relative(process.cwd(), file)}`)
  }
}

// ---- JSON lines ------------------------------------------------------------------------------
if (opts.json) {
  const time = new Date().toISOString()
  const out = results.map(({ row, per }) => {
    const lib = (name) => {
      const p = per[name]
      return {
        status: p.run ? p.status : "SKIPPED",
        ...(p.run ? {} : { why: p.why }),
        ...(p.error ? { error: p.error } : {}),
        median: p.median ?? null,
        rssMB: p.rssMB,
        runs: p.runs.map(({ rss, ...r }) => ({ ...r, rssKB: rss })),
      }
    }
    const z = per.zeromq
    const b = per.brokerless
    const ok = z.median && b.median && z.status === "OK" && b.status === "OK"
    return JSON.stringify({
      time,
      command,
      ...env,
      row: row.id,
      scenario: row.scenario,
      transport: row.transport,
      size: row.size,
      ratio: !ok ? null : row.kind === "latency" ? { p50: b.median.p50us / z.median.p50us, p99: b.median.p99us / z.median.p99us } : b.median.rate / z.median.rate,
      zeromq: lib("zeromq"),
      brokerless: lib("brokerless"),
    })
  })
  appendFileSync(opts.json, out.join("\n") + "\n")
  console.error(`wrote ${out.length} JSON lines to ${opts.json}`)
}

// Exit non-zero when any measured cell did not come out OK (skipped libraries do not count).
const anyBad = results.some(({ per }) => LIBS.some((n) => per[n].run && per[n].status !== "OK"))
process.exit(anyBad ? 1 : 0)
