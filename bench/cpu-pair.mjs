// CPU time per message of each side of a push/pull pair (tcp, optionally CURVE), from
// process.cpuUsage() over the timed messages: on a machine shared with other jobs this varies far
// less than messages per second, since time spent descheduled is not counted.
// usage: node bench/cpu-pair.mjs brokerless|zeromq|net|DIR SIZE COUNT [CURVE=1|0]
//   net: the raw node:net ceiling of compare.js (bench/raw-net.js; CURVE must be 0)
//   DIR: another checkout (its DIR/dist/index.js), e.g. a worktree of an older commit
//   PROF=1 (or recv): the receiver writes a --cpu-prof profile to /tmp/perf/prof2;
//   PROF=send: the sender, to /tmp/perf/prof-send; PROF=both: both
//   THREADS=1: also CPU ms per thread of each side (main thread vs GC, compiler and libuv threads)
//   VG=name: the receiver runs under valgrind --tool=callgrind (/tmp/perf/cg.name)
import { fork } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
const [lib, size, count, curve = "1"] = process.argv.slice(2)
const S = { publicKey: "({yRM!-O3f7?HMlJ*jL#5>@bytVuRq6i-/>e8V}v", secretKey: "@bY-Rf3=]9e4{o)ilmTSlnT6W<:3K5IFOOvH{J(!" }
const C = { publicKey: "OR]k5n{vDIg7W!}:&f0fkDwguCY2SC&%[]yr!n2e", secretKey: ")JAw5sFXtCDx[w4l7uO3Pw9&Y:[8]&f0qS3}!oTP" }
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3 }
const sys = () => process.cpuUsage().system / 1e3
const faults = () => process.resourceUsage().minorPageFault
/** THREADS=1: CPU ms per thread of this process (Linux /proc), to tell the main thread from GC and compiler threads. */
const threads = () => {
  if (!process.env.THREADS) return {}
  const out = {}
  for (const t of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8")
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const name = Number(t) === process.pid ? "main" : readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim() + "/" + t
    out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * 10 // utime + stime, 10 ms ticks
  }
  return out
}
const threadDiff = (a, b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]).filter(([, v]) => v > 0))
if (process.argv[6] === "child") {
  const role = process.argv[7]
  const dist = lib === "brokerless" ? new URL("../dist/index.js", import.meta.url).href : new URL(`file://${lib.replace(/\/$/, "")}/dist/index.js`).href
  const m = await import(lib === "zeromq" ? "zeromq" : lib === "net" ? new URL("./raw-net.js", import.meta.url).href : dist)
  const L = m.Push ? m : m.default
  const n = Number(count), buf = Buffer.alloc(Number(size), 97)
  const sec = curve === "1" ? (role === "recv" ? { curveServer: true, curvePublicKey: S.publicKey, curveSecretKey: S.secretKey } : { curveServerKey: S.publicKey, curvePublicKey: C.publicKey, curveSecretKey: C.secretKey }) : {}
  if (role === "recv") {
    const s = new L.Pull({ linger: 0, ...sec }); await s.bind("tcp://127.0.0.1:0")
    process.send({ ep: s.lastEndpoint })
    await s.receive(); const c0 = cpu(), s0 = sys(), t0 = performance.now(), th0 = threads(), f0 = faults()
    for (let i = 1; i < n; i++) await s.receive()
    process.send({ recvCpu: cpu() - c0, recvSys: sys() - s0, wall: performance.now() - t0, recvFaults: faults() - f0, threads: threadDiff(th0, threads()) },
      // exit once the report is written: process.exit() right after send() can drop it (a hang seen once)
      () => { s.close(); process.exit(0) })
  } else {
    process.once("message", async ({ ep }) => {
      const s = new L.Push({ linger: 0, ...sec }); s.connect(ep)
      await s.send(buf); const c0 = cpu(), s0 = sys(), f0 = faults(), th0 = threads()
      for (let i = 1; i < n; i++) await s.send(buf)
      process.send({ sendCpu: cpu() - c0, sendSys: sys() - s0, sendFaults: faults() - f0, threads: threadDiff(th0, threads()) })
      process.once("message", () => { s.close(); process.exit(0) })
    })
  }
} else {
  const vg = process.env.VG ? { execPath: "valgrind", execArgv: ["--tool=callgrind", "--smc-check=all", `--callgrind-out-file=/tmp/perf/cg.${process.env.VG}`, process.execPath] } : {}
  const r = fork(new URL(import.meta.url).pathname, [lib, size, count, curve, "child", "recv"], { execArgv: ["1", "recv", "both"].includes(process.env.PROF) ? ["--cpu-prof", "--cpu-prof-interval=100", "--cpu-prof-dir=/tmp/perf/prof2"] : [], ...vg })
  const { ep } = await new Promise((res) => r.once("message", res))
  const sendProf = ["send", "both"].includes(process.env.PROF) ? ["--cpu-prof", "--cpu-prof-interval=100", "--cpu-prof-dir=/tmp/perf/prof-send"] : []
  const s = fork(new URL(import.meta.url).pathname, [lib, size, count, curve, "child", "send"], { execArgv: sendProf })
  s.send({ ep })
  const [a, b] = await Promise.all([new Promise((res) => r.once("message", res)), new Promise((res) => s.once("message", res))])
  s.send({})
  const n = Number(count)
  console.log(`${lib} ${size}B curve=${curve}: wall ${(n / a.wall * 1000).toFixed(0)} msg/s; cpu us/msg send ${(b.sendCpu * 1000 / n).toFixed(2)} recv ${(a.recvCpu * 1000 / n).toFixed(2)} (of which kernel: send ${(b.sendSys * 1000 / n).toFixed(2)} recv ${(a.recvSys * 1000 / n).toFixed(2)}); page faults per 1000 msgs: send ${(b.sendFaults * 1000 / n).toFixed(1)} recv ${(a.recvFaults * 1000 / n).toFixed(1)}`)
  if (process.env.THREADS) console.log("cpu ms per thread: send", JSON.stringify(b.threads), "recv", JSON.stringify(a.threads))
}
