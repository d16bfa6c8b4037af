// Runs the whole suite with node-tap and ends with the one-line summary CI reads:
// "N passed, N failed[, N skipped]". Raw TAP is filtered to what a reader needs: one line per
// test file, and the full diagnostics of anything that failed. Extra arguments go to tap.
import { spawn, spawnSync } from "node:child_process"
import { rmSync } from "node:fs"
import { createInterface } from "node:readline"

// Tests run compiled: tsc type-checks lib/ and test/ and emits both into build/test/, and tap
// runs the .js files there (package.json "tap": no TypeScript loader, which cost about 2 s per
// test file and per forked fixture). A type error counts as one failed test but does not stop
// the run: tsc emits anyway. package.json "tap" runs 3 files at once on 2 cores: most files wait
// on sockets, timers and child processes, and one more job cut the quiet-machine run from 5m24s
// to 2m55s (2026-12-03, 4776 passed either way).
const OUT = "build/test"
rmSync(OUT, { recursive: true, force: true })
const tsc = ["--no-install", "tsc", "-p", "test/tsconfig.json", "--noEmit", "false", "--declaration", "false", "--outDir", OUT]
const typecheck = spawnSync("npx", tsc, { encoding: "utf8" })
const typeFailures = typecheck.status === 0 ? 0 : 1
if (typeFailures) console.log(`not ok - type check (tsc -p test/tsconfig.json)\n${typecheck.stdout}${typecheck.stderr}`)
else console.log("ok - type check (tsc -p test/tsconfig.json)")

const args = ["--no-install", "tap", "--reporter=tap", ...process.argv.slice(2).map(compiledPath)]
const child = spawn("npx", args, { stdio: ["ignore", "pipe", "inherit"] })
let summary
let failureIndent = -1

createInterface({ input: child.stdout }).on("line", (line) => {
  const indent = line.length - line.trimStart().length
  const trimmed = line.trim()
  if (/^# \{\s*total:/.test(trimmed)) summary = trimmed
  if (failureIndent >= 0 && (indent > failureIndent || trimmed === "")) return console.log(line)
  failureIndent = -1
  if (trimmed.startsWith("not ok")) {
    failureIndent = indent
    return console.log(line)
  }
  if (indent === 0 && /^(ok|# (Subtest|time))/.test(trimmed)) console.log(line)
})

child.on("close", (code) => {
  const counts = parse(summary)
  if (!counts) {
    console.log("0 passed, 1 failed")
    return process.exit(code || 1)
  }
  const skipped = counts.skip + counts.todo
  const passed = counts.pass + 1 - typeFailures
  console.log(`${passed} passed, ${counts.fail + typeFailures} failed${skipped ? `, ${skipped} skipped` : ""}`)
  process.exit(code || typeFailures)
})

/** tap's closing "# { total: N, pass: N, fail: N, skip: N, todo: N }" line. */
function parse(line) {
  if (!line) return undefined
  const field = (name) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(line)?.[1] ?? 0)
  return { pass: field("pass"), fail: field("fail"), skip: field("skip"), todo: field("todo") }
}

/** `npm test -- test/x.test.ts` (or a directory under test/) runs the compiled counterpart. */
function compiledPath(arg) {
  if (!/^(\.\/)?test(\/|$)/.test(arg)) return arg
  const path = arg.replace(/^\.\//, "").replace(/\/$/, "")
  // A directory runs its test files only (it also holds helpers and fixtures).
  return path.endsWith(".ts") ? `${OUT}/${path.replace(/\.ts$/, ".js")}` : `${OUT}/${path}/**/*.test.js`
}
