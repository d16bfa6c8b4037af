// Runs the `brokerless` command as a child process for the end-to-end tests: the compiled
// lib/cli/main.js of this test build (the same file package.json "bin" points to in dist/),
// with stdout/stderr collected, waits bounded in time, and kill by PID at teardown.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process"
import { siblingModule, childExecArgv } from "../helpers/paths.js"

export const MAIN = siblingModule(import.meta.url, "../../lib/cli/main")

export interface Cli {
  readonly child: ChildProcessWithoutNullStreams
  stdout: string
  stderr: string
  /** Resolves with the exit code; rejects if the process is still running after `ms`. */
  exited(ms?: number): Promise<number>
  /** Resolves when stdout+stderr match `pattern`; rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>
  /** stdout as lines (without the last empty one). */
  lines(): string[]
  kill(): void
}

interface Teardown { teardown(fn: () => void): void }

export function cli(t: Teardown, args: string[], input?: string): Cli {
  const child = spawn(process.execPath, [...childExecArgv(), MAIN, ...args], { stdio: "pipe" })
  const exit = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))))
  const watchers = new Set<() => void>()
  const self: Cli = {
    child, stdout: "", stderr: "",
    exited: (ms = 30_000) => within(exit, ms, () => `brokerless ${args.join(" ")} still running after ${ms} ms\n${self.stdout}\n${self.stderr}`),
    waitFor: (pattern, ms = 30_000) => within(new Promise((resolve) => {
      const check = () => {
        const match = (self.stdout + self.stderr).match(pattern)
        if (match) { watchers.delete(check); resolve(match) }
      }
      watchers.add(check)
      check()
    }), ms, () => `no ${pattern} from brokerless ${args.join(" ")} within ${ms} ms\n${self.stdout}\n${self.stderr}`),
    lines: () => self.stdout.split("\n").filter((line, i, all) => i < all.length - 1 || line !== ""),
    kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL") },
  }
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => { self.stdout += chunk; for (const w of [...watchers]) w() })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => { self.stderr += chunk; for (const w of [...watchers]) w() })
  if (input === undefined) child.stdin.end()
  else child.stdin.end(input)
  t.teardown(() => self.kill())
  return self
}

/** A CLI that binds an ephemeral tcp port: resolves with the endpoint it printed. */
export async function bound(c: Cli, ms = 30_000): Promise<string> {
  const [, endpoint] = await c.waitFor(/bound (\S+)/, ms)
  return endpoint!
}

function within<T>(promise: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(why())), ms) })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}
