// Runs a test file inside a private network namespace, so real mDNS multicast never leaves the
// machine and parallel test files never hear each other. Usage, at the top of a test file:
//
//   import t from "tap"
//   import { runsInNetns } from "../helpers/netns.js"
//   if (runsInNetns(t)) {
//     t.test("...", async (t) => { ... })   // only defined inside the namespace
//   }
//
// Outside the namespace it re-executes the same file (same node flags and arguments) under
// `unshare -n` as a tap subtest via t.spawn, so tap reports the child's own assertions; the
// subtest fails if the child exits non-zero. Where unshare is not permitted (no root or
// CAP_SYS_ADMIN, no unshare binary), the file is skipped with the reason printed.
import { spawnSync } from "node:child_process"

export const NETNS_ENV = "BROKERLESS_NETNS"

// lo is the only interface: bring it up, allow multicast on it and route 224.0.0.0/4 through it.
const SETUP = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"

interface SpawningTest {
  plan(n: number, comment?: string): void
  spawn(cmd: string, args: string[], options: { env: NodeJS.ProcessEnv }, name: string): unknown
}

/** True when the caller is inside the namespace and should define its tests. */
export function runsInNetns(t: SpawningTest): boolean {
  if (process.env[NETNS_ENV] === "1") return true
  const why = unsupportedReason()
  if (why !== undefined) {
    t.plan(0, `skipped: needs a private network namespace (${why})`)
    return false
  }
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)].map(shellQuote).join(" ")
  t.spawn("unshare", ["-n", "sh", "-c", `${SETUP} && exec ${argv}`], {
    env: { ...process.env, [NETNS_ENV]: "1" },
  }, "in a private network namespace")
  return false
}

/** Tries the cheapest namespace operation; returns why it cannot be used, if it cannot. */
function unsupportedReason(): string | undefined {
  const probe = spawnSync("unshare", ["-n", "sh", "-c", SETUP], { encoding: "utf8", timeout: 10_000 })
  if (probe.error !== undefined) return `unshare not runnable: ${probe.error.message}`
  if (probe.status !== 0) return `unshare -n not permitted: ${(probe.stderr || "").trim() || `exit ${probe.status}`}`
  return undefined
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`
}
