// Runs the conformance suite, then that runtime's example, under one runtime, and prints the
// closing line CI sums (.ci/run): "<runtime>: N passed, N failed[, N skipped]".
//   node test/runtimes/run.mjs bun      (npm run test:bun)
//   node test/runtimes/run.mjs deno     (npm run test:deno)
// Each child is bounded in time and killed (its own process group, nothing else) when late.
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const BIN = join(ROOT, "node_modules", ".bin")
const SUITE_MS = 240_000
const EXAMPLE_MS = 30_000

/** What Deno needs: sockets (tcp, udp, ws), the ipc files under the temp dir, env and os facts. */
export const DENO_FLAGS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env", "--allow-sys"]

const RUNTIMES = {
  bun: { command: join(BIN, "bun"), args: (file) => [file], example: "examples/bun.ts", expect: /bun example: done/ },
  deno: { command: join(BIN, "deno"), args: (file) => ["run", ...DENO_FLAGS, file], example: "examples/deno.ts", expect: /deno example: done/ },
}

function runChild(command, args, ms) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.on("data", (d) => { out += d; process.stdout.write(d) })
    child.stderr.on("data", (d) => { out += d; process.stderr.write(d) })
    const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL") } catch {} }, ms)
    child.on("error", (error) => { out += String(error) })
    child.on("close", (code, signal) => { clearTimeout(timer); resolve({ code, signal, out }) })
  })
}

const name = process.argv[2]
const runtime = RUNTIMES[name]
if (!runtime) {
  console.log(`usage: node test/runtimes/run.mjs ${Object.keys(RUNTIMES).join("|")}\n0 passed, 1 failed`)
  process.exit(2)
}
if (!existsSync(runtime.command)) {
  // The npm package `bun`/`deno` downloads its binary at install; without it there is nothing to run.
  console.log(`skip - ${name}: ${runtime.command} is missing (npm ci installs it)\n${name}: 0 passed, 0 failed, 1 skipped`)
  process.exit(0)
}

const counts = { passed: 0, failed: 0, skipped: 0 }
const suite = await runChild(runtime.command, runtime.args("test/runtimes/conformance.mjs"), SUITE_MS)
const line = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/.exec(suite.out.trimEnd())
if (line) {
  counts.passed += Number(line[1])
  counts.failed += Number(line[2])
  counts.skipped += Number(line[3] ?? 0)
} else {
  counts.failed++
  console.log(`not ok - conformance under ${name} printed no summary (exit ${suite.code}, signal ${suite.signal})`)
}
const example = await runChild(runtime.command, runtime.args(runtime.example), EXAMPLE_MS)
if (example.code === 0 && runtime.expect.test(example.out)) {
  counts.passed++
  console.log(`ok - ${runtime.example} runs under ${name} and exits 0`)
} else {
  counts.failed++
  console.log(`not ok - ${runtime.example} under ${name}: exit ${example.code}, signal ${example.signal}`)
}
const skipped = counts.skipped ? `, ${counts.skipped} skipped` : ""
console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed${skipped}`)
process.exit(counts.failed ? 1 : 0)
