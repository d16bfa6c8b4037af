// Runs scenarios on one bed of 6 hosts, one after another, each bounded in time; stops its agents
// and restores every link between scenarios, and tears the bed down at the end (also on SIGINT).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Bed, bedUnavailable } from "./bed.js"
import { Skipped, type Agent } from "./agents.js"
import type { Scenario } from "./scenarios.js"

export const HOSTS = 6
const SCENARIO_LIMIT_MS = 120_000

export interface Outcome {
  readonly name: string
  readonly status: "passed" | "failed" | "skipped"
  readonly ms: number
  readonly figures: string
}

export async function runScenarios(list: Scenario[], onDone: (o: Outcome) => void = () => {}): Promise<Outcome[]> {
  const why = bedUnavailable()
  if (why !== undefined) {
    const skipped = list.map((s) => ({ name: s.name, status: "skipped" as const, ms: 0, figures: `skipped: ${why}` }))
    skipped.forEach(onDone)
    return skipped
  }
  const bed = Bed.create(HOSTS)
  const dir = mkdtempSync(join(tmpdir(), "blc-"))
  const teardown = () => {
    bed.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
  const onSignal = () => {
    teardown()
    process.exit(130)
  }
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  const outcomes: Outcome[] = []
  try {
    for (const [i, scenario] of list.entries()) {
      const outcome = await runOne(bed, join(dir, String(i)), scenario)
      outcomes.push(outcome)
      onDone(outcome)
    }
  } finally {
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    teardown()
  }
  return outcomes
}

async function runOne(bed: Bed, dir: string, scenario: Scenario): Promise<Outcome> {
  mkdirSync(dir, { recursive: true })
  const agents: Agent[] = []
  const started = Date.now()
  let timer: NodeJS.Timeout | undefined
  try {
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scenario took longer than ${SCENARIO_LIMIT_MS} ms`)), SCENARIO_LIMIT_MS)
    })
    const figures = await Promise.race([scenario.run({ bed, dir, agents }), limit])
    return { name: scenario.name, status: "passed", ms: Date.now() - started, figures }
  } catch (err) {
    if (err instanceof Skipped) return { name: scenario.name, status: "skipped", ms: Date.now() - started, figures: `skipped: ${err.message}` }
    const stderr = agents.map((a) => a.stderr.trim()).filter((s) => s !== "").join(" | ").slice(0, 800)
    return { name: scenario.name, status: "failed", ms: Date.now() - started, figures: `${(err as Error).message}${stderr ? ` [agent stderr: ${stderr}]` : ""}` }
  } finally {
    clearTimeout(timer)
    await Promise.all(agents.map((a) => a.stop()))
    for (const h of bed.hosts) {
      bed.restore(h.index)
      bed.restoreIpv4(h.index)
    }
  }
}

/** One table: scenario, result, time, figures. */
export function table(outcomes: Outcome[]): string {
  const rows = outcomes.map((o) => [o.name, o.status, `${(o.ms / 1000).toFixed(1)} s`, o.figures])
  const head = ["scenario", "result", "time", "figures"]
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(r[i]!.length, i === 3 ? 1000 : 70))))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
}

export function summary(outcomes: Outcome[]): string {
  const n = (s: Outcome["status"]) => outcomes.filter((o) => o.status === s).length
  return `${n("passed")} passed, ${n("failed")} failed${n("skipped") ? `, ${n("skipped")} skipped` : ""}`
}
