// `brokerless bench`: quick throughput and latency between two processes on this machine. It
// binds a PULL and a REQ, spawns its peer (bench-peer.ts), measures round trips REQ->REP first,
// then the PULL's receive rate of the peer's PUSH burst, timed at the receiver from the first
// message to the last (as libzmq's local_thr does).
import { spawn } from "node:child_process"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Pull } from "../socket/pull.js"
import { Request } from "../socket/request.js"
import { failure } from "./cli-error.js"
import { writeLine } from "./output.js"
import { Progress } from "./progress.js"

/** Round trips before the clock starts (JIT, socket buffers). */
const WARM_UP = 20

export interface BenchFlags {
  transport: "tcp" | "ipc"
  size: number
  count: number
  roundTrips: number
  timeout: number
  json?: boolean
}

export interface BenchResult {
  transport: string
  size: number
  messages: number
  seconds: number
  messagesPerSecond: number
  megabytesPerSecond: number
  roundTrips: number
  latencyMicros: { mean: number; p50: number; p99: number; max: number }
}

export async function runBench(flags: BenchFlags): Promise<void> {
  const pull = new Pull({ linger: 0, receiveTimeout: flags.timeout })
  const req = new Request({ linger: 0, receiveTimeout: flags.timeout, sendTimeout: flags.timeout })
  const base = join(tmpdir(), `brokerless-bench-${process.pid}`)
  await pull.bind(flags.transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${base}-thr.sock`)
  await req.bind(flags.transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${base}-lat.sock`)
  const peer = spawn(process.execPath, [process.argv[1]!, "bench-peer", "--throughput", pull.lastEndpoint!,
    "--latency", req.lastEndpoint!, "--size", String(flags.size), "--count", String(flags.count)], { stdio: ["pipe", "inherit", "inherit"] })
  // The peer exits 0 once its burst has left (the last messages may still be on their way to
  // us); any other exit is a failure.
  const peerExit = new Promise<never>((_, reject) => peer.on("exit", (code, signal) => {
    if (code !== 0) reject(failure(`bench peer failed (status ${code ?? signal})`))
  }))
  peerExit.catch(() => undefined)
  try {
    // Timed from a connected peer: the peer process's start-up is not the library's latency.
    await Promise.race([Promise.all([req.waitForPeers(1, { timeout: flags.timeout }), pull.waitForPeers(1, { timeout: flags.timeout })]), peerExit])
    const latency = await Promise.race([measureLatency(req, flags), peerExit])
    const throughput = await Promise.race([measureThroughput(pull, req, flags), peerExit])
    await report({ transport: flags.transport, size: flags.size, roundTrips: flags.roundTrips, ...throughput, latencyMicros: latency }, flags.json)
  } finally {
    peer.stdin.end()
    if (peer.exitCode === null) peer.kill()
    pull.close()
    req.close()
  }
}

async function measureLatency(req: Request, flags: BenchFlags): Promise<BenchResult["latencyMicros"]> {
  const payload = Buffer.alloc(flags.size, 0x62)
  const progress = new Progress(flags.roundTrips, "latency   ")
  const times: number[] = []
  for (let i = 0; i < WARM_UP; i++) {
    await req.send(payload)
    await req.receive()
  }
  for (let i = 0; i < flags.roundTrips; i++) {
    const start = process.hrtime.bigint()
    await req.send(payload)
    await req.receive()
    times.push(Number(process.hrtime.bigint() - start) / 1000)
    progress.update(i + 1)
  }
  progress.done()
  times.sort((a, b) => a - b)
  const at = (q: number) => round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0)
  return { mean: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)), p50: at(0.5), p99: at(0.99), max: at(1) }
}

async function measureThroughput(pull: Pull, req: Request, flags: BenchFlags): Promise<Pick<BenchResult, "messages" | "seconds" | "messagesPerSecond" | "megabytesPerSecond">> {
  await req.send("go")
  await req.receive()
  const progress = new Progress(flags.count, "throughput")
  await pull.receive()
  const start = process.hrtime.bigint()
  for (let i = 1; i < flags.count; i++) {
    await pull.receive()
    progress.update(i + 1)
  }
  progress.done()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  // Rates over the n-1 gaps between n messages (the clock starts at the first one).
  const rate = (flags.count - 1) / Math.max(seconds, 1e-9)
  return { messages: flags.count, seconds: round(seconds, 3), messagesPerSecond: Math.round(rate), megabytesPerSecond: round((rate * flags.size) / 1e6, 1) }
}

async function report(r: BenchResult, json: boolean | undefined): Promise<void> {
  if (json) return writeLine(JSON.stringify(r))
  await writeLine(`${r.transport}, ${r.size}-byte messages, two processes`)
  await writeLine(`throughput: ${r.messages} messages in ${r.seconds} s = ${r.messagesPerSecond} msg/s, ${r.megabytesPerSecond} MB/s`)
  const l = r.latencyMicros
  await writeLine(`latency:    ${r.roundTrips} round trips, mean ${l.mean} us, p50 ${l.p50} us, p99 ${l.p99} us, max ${l.max} us`)
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
