// `npm run soak -- --minutes 10`: a mixed workload on the bed with random faults for a set time,
// then a table (sent, delivered, duplicated, lost, reconnects, discovery changes, RSS and open fds
// of the long-lived sender at start and end) and "N passed, N failed". Fails on any loss with
// reliable, on RSS growth beyond RSS_BOUND_MB, or on more open fds at the end than at the start.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Bed, bedUnavailable } from "./bed.js"
import { account, readIds, sleep, startAgent, type Agent } from "./agents.js"

const RSS_BOUND_MB = 64
const FD_SLACK = 4 // sockets of a reconnect in flight at the moment of the reading
const minutesArg = process.argv.indexOf("--minutes")
const minutes = minutesArg >= 0 ? Number(process.argv[minutesArg + 1]) : 10

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return Math.round(Number(m?.[1] ?? 0) / 1024)
}
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length
const random = (n: number) => Math.floor(Math.random() * n)

async function soak(bed: Bed, dir: string, agents: Agent[]): Promise<string[][]> {
  const start = (host: number, role: Parameters<typeof startAgent>[2]) => {
    const a = startAgent(bed, host, role)
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
  const push = start(4, { role: "push", connect: [1, 2, 3].map((h) => `tcp://198.18.0.${h}:7001`), log: sentLog, count: 1e12, prefix: "s", journal: join(dir, "push.journal"), ackTimeout: 1000, rate: 200 })
  const browser = start(5, { role: "browse", name: "soak", refresh: 1000 })
  const pub = start(6, { role: "pub", bind: "tcp://198.18.0.6:7002", rate: 100 })
  await pub.waitFor("ready", 30_000)
  const sub = start(5, { role: "sub", connect: "tcp://198.18.0.6:7002" })
  await Promise.all([push.waitFor("ready", 30_000), browser.waitFor("ready", 30_000), sub.waitFor("ready", 30_000)])
  await sleep(10_000) // warm-up: connections, buffers and JIT settle before the first reading
  const first = { rss: rssMb(push.pid), fds: fds(push.pid) }
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
  const last = { rss: rssMb(push.pid), fds: fds(push.pid) }
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
    ["sender RSS start / end (MB)", `${first.rss} / ${last.rss}`], ["sender open fds start / end", `${first.fds} / ${last.fds}`],
  ]
  const checks: [string, boolean][] = [
    [`0 lost (${r.lost})`, r.lost === 0 && r.sent > 0 && readIds(sentLog).length > 0],
    [`RSS growth ${last.rss - first.rss} MB <= ${RSS_BOUND_MB} MB`, last.rss - first.rss <= RSS_BOUND_MB],
    [`open fds ${last.fds} <= ${first.fds} + ${FD_SLACK}`, last.fds <= first.fds + FD_SLACK],
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
