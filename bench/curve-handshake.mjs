// CURVE handshake cost (issue 14). Two measurements:
//   mech:  N handshakes between brokerless's CurveClient and CurveServer objects in this process,
//          commands handed over directly (no sockets): the mechanism's own CPU, both sides.
//   churn: N connections, each a new Dealer that connects over tcp to a CURVE echo Router in the
//          same process, does one round trip and closes (as compare.js's churn row, 1 at a time
//          unless PARALLEL is given); run for brokerless and zeromq.js in turn. CPU is
//          process.cpuUsage() (all threads, so libzmq's I/O threads count), both sides included.
// usage: node bench/curve-handshake.mjs [N=300] [mech,churn]   env PARALLEL=1, LIBS=brokerless,zeromq,
//   NULL=1 (churn without CURVE: what connecting costs without the handshake's crypto)
import { performance } from "node:perf_hooks"

const N = Number(process.argv[2] ?? 300)
const modes = (process.argv[3] ?? "mech,churn").split(",")
const libs = (process.env.LIBS ?? "brokerless,zeromq").split(",")
const PARALLEL = Number(process.env.PARALLEL ?? 1)
// the fixed benchmark keys of bench/cpu-pair.mjs
const S = { publicKey: "({yRM!-O3f7?HMlJ*jL#5>@bytVuRq6i-/>e8V}v", secretKey: "@bY-Rf3=]9e4{o)ilmTSlnT6W<:3K5IFOOvH{J(!" }
const C = { publicKey: "OR]k5n{vDIg7W!}:&f0fkDwguCY2SC&%[]yr!n2e", secretKey: ")JAw5sFXtCDx[w4l7uO3Pw9&Y:[8]&f0qS3}!oTP" }
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3 }

function report(what, count, cpu, wall) {
  const us = (cpu * 1000) / count
  console.log(`${what}: ${count} handshakes, CPU ${us.toFixed(0)} µs per handshake (both sides) = ${(1e6 / us).toFixed(0)}/s of CPU; wall ${((wall * 1000) / count).toFixed(0)} µs each = ${((count * 1000) / wall).toFixed(0)}/s`)
}

async function mech() {
  const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href)
  const { CurveClient, CurveServer } = await dist("security/curve-mechanism.js")
  const { parseCommand } = await dist("zmtp/command.js")
  const { z85Decode: decode } = await dist("security/z85.js")
  const nacl = await dist("security/nacl.js")
  await nacl.loadSodium()
  const key = (z85) => Uint8Array.from(decode(z85))
  const server = { publicKey: key(S.publicKey), secretKey: key(S.secretKey) }
  const client = { publicKey: key(C.publicKey), secretKey: key(C.secretKey) }
  const allow = async () => ({ statusCode: "200", statusText: "OK", userId: "" })
  // a command frame as encodeCommand writes it: flags, size (1 or 8 octets), body
  const body = (frame) => parseCommand(frame.subarray(frame[0] & 0x02 ? 9 : 2))
  const settle = async (step) => (step.kind === "pending" ? settle(await step.step) : step)
  const once = async () => {
    const c = new CurveClient({ socketType: "DEALER" }, client, server.publicKey)
    const s = new CurveServer({ socketType: "ROUTER" }, server, allow, { domain: "", address: "127.0.0.1" })
    const welcome = await settle(s.onCommand(body(c.start()[0])))
    const initiate = await settle(c.onCommand(body(welcome.send[0])))
    const ready = await settle(s.onCommand(body(initiate.send[0])))
    if (ready.kind !== "ready") throw new Error(`server: ${ready.kind} ${ready.error?.message}`)
    const done = await settle(c.onCommand(body(ready.send[0])))
    if (done.kind !== "ready") throw new Error(`client: ${done.kind} ${done.error?.message}`)
  }
  for (let i = 0; i < Math.min(N, 200); i++) await once() // JIT warm-up
  const c0 = cpuMs(), t0 = performance.now()
  for (let i = 0; i < N; i++) await once()
  report(`brokerless mech (${nacl.naclBackend()}${nacl.x25519Backend ? `, X25519 ${nacl.x25519Backend()}` : ""})`, N, cpuMs() - c0, performance.now() - t0)
}

async function churn(lib) {
  const m = await import(lib === "zeromq" ? "zeromq" : new URL("../dist/index.js", import.meta.url).href)
  const L = m.Router ? m : m.default
  const curve = process.env.NULL !== "1"
  const router = new L.Router({ linger: 0, ...(curve && { curveServer: true, curvePublicKey: S.publicKey, curveSecretKey: S.secretKey }) })
  await router.bind("tcp://127.0.0.1:0")
  const endpoint = router.lastEndpoint
  void (async () => { try { for (;;) await router.send(await router.receive()) } catch { /* closed */ } })()
  const ping = Buffer.from("ping")
  const connectOnce = async () => {
    const dealer = new L.Dealer({ linger: 0, ...(curve && { curveServerKey: S.publicKey, curvePublicKey: C.publicKey, curveSecretKey: C.secretKey }) })
    dealer.connect(endpoint)
    await dealer.send(ping)
    await dealer.receive()
    dealer.close()
  }
  const run = async (count) => {
    let started = 0
    const loop = async () => { while (started++ < count) await connectOnce() }
    await Promise.all(Array.from({ length: PARALLEL }, loop))
  }
  await run(Math.min(N, 100)) // warm-up (and libsodium's load for brokerless)
  const c0 = cpuMs(), t0 = performance.now()
  await run(N)
  report(`${lib} churn tcp, ${curve ? "CURVE" : "NULL"} (parallel ${PARALLEL})`, N, cpuMs() - c0, performance.now() - t0)
  router.close()
}

if (modes.includes("mech") && libs.includes("brokerless")) await mech()
if (modes.includes("churn")) for (const lib of libs) await churn(lib)
process.exit(0)
