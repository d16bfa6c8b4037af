// `brokerless bench`: a short run end to end (it spawns its own peer process), its JSON result,
// the progress bar text, and the failure exit when a step outlasts --timeout.
import t from "tap"
import { bar } from "../../lib/cli/progress.js"
import { cli } from "./cli-process.js"

t.setTimeout(120_000)

for (const transport of ["tcp", "ipc"]) {
  t.test(`bench --transport ${transport} measures throughput and latency and exits 0`, async (t) => {
    const run = cli(t, ["bench", "--transport", transport, "-n", "3000", "--round-trips", "50", "--size", "100", "--json"])
    t.equal(await run.exited(60_000), 0, run.stderr)
    const result = JSON.parse(run.stdout) as {
      transport: string; size: number; messages: number; seconds: number; messagesPerSecond: number
      roundTrips: number; latencyMicros: { mean: number; p50: number; p99: number; max: number }
    }
    t.match(result, { transport, size: 100, messages: 3000, roundTrips: 50 })
    t.ok(result.seconds > 0 && result.messagesPerSecond > 0, `rate ${result.messagesPerSecond} msg/s`)
    const l = result.latencyMicros
    t.ok(l.p50 > 0 && l.p50 <= l.p99 && l.p99 <= l.max, `latency p50 ${l.p50} <= p99 ${l.p99} <= max ${l.max} us`)
    t.equal(run.stderr, "", "no progress bar when stderr is not a terminal")
  })
}

t.test("the progress bar text", async (t) => {
  t.equal(bar(0, 10, "x"), "x [..............................] 0% 0/10")
  t.equal(bar(5, 10, "x"), "x [###############...............] 50% 5/10")
  t.equal(bar(10, 10, "x"), "x [##############################] 100% 10/10")
})

t.test("a bench whose peer cannot keep up within --timeout fails with exit 1", async (t) => {
  // 1 ms is shorter than a process start: the first round trip cannot be answered in time.
  const run = cli(t, ["bench", "-n", "100", "--round-trips", "5", "-t", "1"])
  t.equal(await run.exited(60_000), 1, run.stderr)
  t.match(run.stderr, /brokerless: /)
})
