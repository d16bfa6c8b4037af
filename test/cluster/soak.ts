// `npm run soak -- --minutes 10`: a mixed workload on the bed with random faults for a set time,
// then a table (sent, delivered, duplicated, lost, reconnects, discovery changes) and "N passed,
// N failed". The two long-lived processes (the reliable sender and the discovery browser) are
// watched as series: RSS and open fds read from /proc every SAMPLE_MS (at most a tenth of the
// run), and their heap after a full GC (they run with --expose-gc and report it as often).
// Growth is judged on the trend after warm-up (the first fifth of the run): the least-squares
// slope of the heap after GC (what a leak grows; V8 returns memory to the OS lazily, so RSS alone
// cannot tell a leak from a heap that has not settled yet), the RSS outside V8's committed heap,
// the RSS growth, and the fds. Fails on any loss with reliable, a heap slope above
// HEAP_SLOPE_BOUND, RSS outside the heap growing beyond OUTSIDE_HEAP_BOUND_MB, RSS growth beyond
// RSS_BOUND_MB, or more open fds at the end than at the start of the trend plus FD_SLACK.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Bed, bedUnavailable } from "./bed.js"
import { account, readIds, sleep, startAgent, type Agent } from "./agents.js"

const RSS_BOUND_MB = 64
const HEAP_SLOPE_BOUND = 0.5 // MB per minute after warm-up: 30 MB an hour would be a leak
// RSS outside V8's committed heap (native buffers, code, libuv): a native leak grows it, while
// V8 growing its young generation towards its fixed maximum after bursts does not (see docs).
const OUTSIDE_HEAP_BOUND_MB = 12
const FD_SLACK = 4 // sockets of a reconnect in flight at the moment of the reading
const minutesArg = process.argv.indexOf("--minutes")
const minutes = minutesArg >= 0 ? Number(process.argv[minutesArg + 1]) : 10
const SAMPLE_MS = Math.min(30_000, (minutes * 60_000) / 10)

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return Math.round(Number(m?.[1] ?? 0) / 1024)
}
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length
const random = (n: number) => Math.floor(Math.random() * n)

interface Sample { readonly min: number; readonly rss: number; readonly fds: number }

/** Least-squares slope of y over x (per unit of x); 0 for fewer than two points. */
function slope(points: [number, number][]): number {
  if (points.length < 2) return 0
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0)
  return sxx === 0 ? 0 : points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx
}

/** Samples a process every SAMPLE_MS until stopped; minutes counted from the soak's start. */
function sampler(pid: number, startedAt: number): { samples: Sample[]; stop: () => void } {
  const samples: Sample[] = []
  const take = () => {
    try {
      samples.push({ min: (Date.now() - startedAt) / 60_000, rss: rssMb(pid), fds: fds(pid) })
    } catch {
      // the process is gone (the run failed): no sample, the soak reports why it ended
    }
  }
  take()
  const timer = setInterval(take, SAMPLE_MS)
  return { samples, stop: () => { clearInterval(timer); take() } }
}

/**
 * The trend after warm-up (the first fifth of the run) and its checks, for one process: the slope
 * of its heap after a full GC (what a JS leak grows), the RSS outside V8's committed heap (what a
 * native leak grows), the RSS growth (what the machine pays), fds.
 */
function judge(label: string, samples: Sample[], agent: Agent): { rows: string[][]; checks: [string, boolean][] } {
  const warm = samples.filter((x) => x.min >= minutes / 5)
  const rssSlope = slope(warm.map((x) => [x.min, x.rss]))
  const heap = agent.reports.filter((r) => r.ev === "memory").map((r) => ({
    min: (r.t - agent.reports[0]!.t) / 60_000, mb: r.heapMb as number, total: r.heapTotalMb as number, ext: r.externalMb as number,
    outside: (r.rssMb as number) - (r.heapTotalMb as number), spaces: (r.spaces ?? {}) as Record<string, number>,
  }))
  const heapWarm = heap.filter((x) => x.min >= minutes / 5)
  const heapSlope = slope(heapWarm.map((x) => [x.min, x.mb]))
  const outsideGrowth = heapWarm.length < 2 ? NaN : heapWarm.at(-1)!.outside - heapWarm[0]!.outside
  const first = warm[0] ?? samples[0]!
  const last = samples.at(-1)!
  const series = samples.map((x) => `${x.min.toFixed(1)}m ${x.rss}/${x.fds}`).join(", ")
  return {
    rows: [
      [`${label} RSS MB / fds series`, series],
      [`${label} after GC: heap used / total / external series (MB)`, heap.map((x) => `${x.min.toFixed(1)}m ${x.mb.toFixed(1)}/${x.total.toFixed(0)}/${x.ext.toFixed(1)}`).join(", ")],
      [`${label} after GC: committed new / old / large-object space series (MB)`, heap.map((x) =>
        `${x.min.toFixed(1)}m ${(x.spaces.new_space ?? 0).toFixed(1)}/${(x.spaces.old_space ?? 0).toFixed(1)}/${(x.spaces.large_object_space ?? 0).toFixed(1)}`).join(", ")],
      [`${label} after warm-up: RSS first / last / slope`, `${first.rss} / ${last.rss} MB / ${rssSlope.toFixed(2)} MB/min`],
      [`${label} after warm-up: heap after GC first / last / slope`, heapWarm.length === 0 ? "no samples" :
        `${heapWarm[0]!.mb.toFixed(1)} / ${heapWarm.at(-1)!.mb.toFixed(1)} MB / ${heapSlope.toFixed(3)} MB/min`],
      [`${label} after warm-up: RSS outside V8's heap first / last`, heapWarm.length === 0 ? "no samples" :
        `${heapWarm[0]!.outside.toFixed(1)} / ${heapWarm.at(-1)!.outside.toFixed(1)} MB`],
      [`${label} after warm-up: open fds first / max / last`, `${first.fds} / ${Math.max(...warm.map((x) => x.fds))} / ${last.fds}`],
    ],
    checks: [
      [`${label} heap slope ${heapSlope.toFixed(3)} MB/min <= ${HEAP_SLOPE_BOUND} (${heapWarm.length} samples)`, heapWarm.length >= 2 && heapSlope <= HEAP_SLOPE_BOUND],
      [`${label} RSS growth ${last.rss - first.rss} MB <= ${RSS_BOUND_MB} MB`, last.rss - first.rss <= RSS_BOUND_MB],
      [`${label} RSS outside V8's heap grew ${outsideGrowth.toFixed(1)} MB <= ${OUTSIDE_HEAP_BOUND_MB} MB`, outsideGrowth <= OUTSIDE_HEAP_BOUND_MB],
      [`${label} open fds ${last.fds} <= ${first.fds} + ${FD_SLACK}`, last.fds <= first.fds + FD_SLACK],
    ],
  }
}

async function soak(bed: Bed, dir: string, agents: Agent[]): Promise<string[][]> {
  const start = (host: number, role: Parameters<typeof startAgent>[2], memoryEvery = 0) => {
    const a = startAgent(bed, host, role, memoryEvery)
    agents.push(a)
    return a
  }
  const pullLog = (h: number) => join(dir, `pull-${h}.log`)
  const pulls = new Map<number, Agent>()
  const startPull = async (h: number) => {
    const p = start(h, { role: "pull", bind: `tcp://198.18.0.${h}:7001`, log: pullLog(h), advertise: "soak", ttl: 3, id: `p${h}` })
    pulls.set(h, p)
    await p.waitFor("ready", 30_000)
  }
  await Promise.all([1, 2, 3].map(startPull))
  const sentLog = join(dir, "sent.log")
  const push = start(4, { role: "push", connect: [1, 2, 3].map((h) => `tcp://198.18.0.${h}:7001`), log: sentLog, count: 1e12, prefix: "s", journal: join(dir, "push.journal"), ackTimeout: 1000, rate: 200 }, SAMPLE_MS)
  const browser = start(5, { role: "browse", name: "soak", refresh: 1000 }, SAMPLE_MS)
  const pub = start(6, { role: "pub", bind: "tcp://198.18.0.6:7002", rate: 100 })
  await pub.waitFor("ready", 30_000)
  const sub = start(5, { role: "sub", connect: "tcp://198.18.0.6:7002" })
  await Promise.all([push.waitFor("ready", 30_000), browser.waitFor("ready", 30_000), sub.waitFor("ready", 30_000)])
  const startedAt = Date.now()
  const sampled = [sampler(push.pid, startedAt), sampler(browser.pid, startedAt)]
  const faults = { cut: 0, kill: 0 }
  const end = Date.now() + minutes * 60_000
  while (Date.now() < end) {
    await sleep(3000 + random(5000))
    const h = 1 + random(3)
    if (random(2) === 0) {
      faults.cut++
      bed.cut(h)
      await sleep(1000 + random(3000))
      bed.restore(h)
    } else {
      faults.kill++
      pulls.get(h)!.signal("SIGKILL")
      await pulls.get(h)!.exited
      await sleep(500)
      await startPull(h)
    }
  }
  await sleep(5000) // every host back up: let reconnects finish before the last reading
  for (const x of sampled) x.stop()
  const [sender, browsing] = [judge("sender", sampled[0]!.samples, push), judge("browser", sampled[1]!.samples, browser)]
  push.signal("SIGUSR2")
  await push.waitFor("drained", 120_000)
  const r = account([sentLog], [1, 2, 3].map(pullLog))
  const reconnects = push.count("connect") - 3
  const changes = browser.count("discovery:up") + browser.count("discovery:down")
  const subMsgs = sub.count("msg")
  const rows = [
    ["minutes", String(minutes)], ["faults (link cuts / receiver kills)", `${faults.cut} / ${faults.kill}`],
    ["reliable sent (send() resolved)", String(r.sent)], ["delivered", String(r.delivered)],
    ["duplicated", String(r.duplicated)], ["lost", String(r.lost)],
    ["sender reconnects", String(reconnects)], ["discovery changes (up + down)", String(changes)],
    ["pub/sub messages received", String(subMsgs)],
    ...sender.rows, ...browsing.rows,
  ]
  const checks: [string, boolean][] = [
    [`0 lost (${r.lost})`, r.lost === 0 && r.sent > 0 && readIds(sentLog).length > 0],
    ...sender.checks, ...browsing.checks,
  ]
  return [...rows, ...checks.map(([what, ok]) => [`check: ${what}`, ok ? "passed" : "FAILED"])]
}

const why = bedUnavailable()
if (why !== undefined) {
  console.log(`soak skipped: ${why}\n0 passed, 0 failed, 1 skipped`)
} else {
  const bed = Bed.create(6, "soak")
  const dir = mkdtempSync(join(tmpdir(), "blc-soak-"))
  const agents: Agent[] = []
  const teardown = () => { bed.destroy(); rmSync(dir, { recursive: true, force: true }) }
  process.once("SIGINT", () => { teardown(); process.exit(130) })
  let rows: string[][]
  try {
    rows = await soak(bed, dir, agents)
  } catch (err) {
    rows = [[`check: soak ran to the end`, `FAILED: ${(err as Error).message}`]]
  } finally {
    await Promise.all(agents.map((a) => a.stop()))
    teardown()
  }
  const width = Math.max(...rows.map((r) => r[0]!.length))
  console.log(rows.map(([k, v]) => `| ${k!.padEnd(width)} | ${v} |`).join("\n"))
  const checks = rows.filter((r) => r[0]!.startsWith("check:"))
  const failed = checks.filter((r) => r[1] !== "passed").length
  console.log(`${checks.length - failed} passed, ${failed} failed`)
  process.exitCode = failed > 0 ? 1 : 0
}
