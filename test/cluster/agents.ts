// Driver side of the agents: starts agent.js on a host of the bed and collects its JSON reports,
// with waits bounded in time. Also the accounting of message-id log files.
import { createInterface } from "node:readline"
import { existsSync, readFileSync } from "node:fs"
import type { ChildProcess } from "node:child_process"
import type { Bed } from "./bed.js"
import type { Role } from "./agent.js"
import { siblingModule } from "../helpers/paths.js"

const AGENT = siblingModule(import.meta.url, "./agent")

export interface Report { readonly ev: string; readonly t: number; readonly [key: string]: unknown }

export class Agent {
  readonly reports: Report[] = []
  private readonly waiters = new Set<() => void>()
  readonly exited: Promise<number | null>
  stderr = ""

  constructor(readonly child: ChildProcess, readonly host: number) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        this.reports.push(JSON.parse(line) as Report)
      } catch {
        return
      }
      for (const wake of this.waiters) wake()
    })
    child.stderr!.on("data", (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000) })
    this.exited = new Promise((resolve) => child.once("exit", (code) => {
      for (const wake of this.waiters) wake()
      resolve(code)
    }))
  }

  get pid(): number {
    return this.child.pid!
  }

  count(ev: string, pred: (r: Report) => boolean = () => true): number {
    return this.reports.filter((r) => r.ev === ev && pred(r)).length
  }

  /** Resolves with the first report matching `ev` and `pred`; rejects after `ms`. */
  waitFor(ev: string, ms: number, pred: (r: Report) => boolean = () => true): Promise<Report> {
    const found = () => this.reports.find((r) => r.ev === ev && pred(r))
    return new Promise((resolve, reject) => {
      const check = () => {
        const r = found()
        if (r !== undefined) return done(() => resolve(r))
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          done(() => reject(new Error(`agent on host ${this.host} exited before "${ev}": ${this.stderr.trim()}`)))
        }
      }
      const timer = setTimeout(() => done(() => reject(new Error(`timeout (${ms} ms) waiting for "${ev}" on host ${this.host}`))), ms)
      const done = (then: () => void) => {
        clearTimeout(timer)
        this.waiters.delete(check)
        then()
      }
      this.waiters.add(check)
      check()
    })
  }

  signal(sig: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(this.pid, sig)
  }

  /** SIGTERM (the agent closes its sockets), SIGKILL if it has not exited after 2 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    this.signal("SIGCONT")
    this.signal("SIGTERM")
    const timer = setTimeout(() => this.signal("SIGKILL"), 2000)
    await this.exited
    clearTimeout(timer)
  }
}

/** `memoryEvery` (ms): the agent runs with --expose-gc and reports "memory" after a full GC that often. */
export function startAgent(bed: Bed, host: number, role: Role, memoryEvery = 0): Agent {
  // SOAK_NODE_ARGS: extra node flags for the watched agents (e.g. V8 heap limits, to test a cause).
  const extra = (process.env.SOAK_NODE_ARGS ?? "").split(" ").filter((a) => a !== "")
  const args = memoryEvery > 0 ? [...extra, "--expose-gc", AGENT, JSON.stringify(role), `memory:${memoryEvery}`] : [AGENT, JSON.stringify(role)]
  return new Agent(bed.spawn(host, process.execPath, args), host)
}

/** Lines of an id log (missing file: none). */
export function readIds(path: string): string[] {
  if (!existsSync(path)) return []
  return readFileSync(path, "utf8").split("\n").filter((l) => l !== "")
}

/** Accepted ids vs delivered ids (over several receivers' logs): lost and duplicated. */
export function account(sentLogs: string[], receivedLogs: string[]): { sent: number; delivered: number; duplicated: number; lost: number } {
  const sent = new Set(sentLogs.flatMap(readIds))
  const received = receivedLogs.flatMap(readIds)
  const unique = new Set(received)
  let lost = 0
  for (const id of sent) if (!unique.has(id)) lost++
  return { sent: sent.size, delivered: unique.size, duplicated: received.length - unique.size, lost }
}

/** Thrown by a scenario that cannot run here (a missing tool): reported as skipped, with the reason. */
export class Skipped extends Error {}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
