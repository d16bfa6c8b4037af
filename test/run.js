// Runs the whole suite with node-tap and ends with the one-line summary CI reads:
// "N passed, N failed[, N skipped]". Extra arguments go to tap (e.g. a single file).
import { spawn } from "node:child_process"

const args = ["tap", "--reporter=base", ...process.argv.slice(2)]
const child = spawn("npx", ["--no-install", ...args], { stdio: ["ignore", "pipe", "inherit"] })
let tail = ""
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk)
  tail = (tail + chunk.toString()).slice(-4096)
})
child.on("close", (code) => {
  const counts = summarise(tail)
  if (counts === undefined) {
    console.log(`0 passed, 1 failed`)
    process.exit(code || 1)
  }
  const skipped = counts.skip + counts.todo
  console.log(`${counts.pass} passed, ${counts.fail} failed${skipped ? `, ${skipped} skipped` : ""}`)
  process.exit(code ?? 1)
})

/** Reads tap's closing "# { total, pass, fail, skip }" line (base reporter prints it too). */
function summarise(text) {
  const lines = text.split("\n").filter((line) => /^#?\s*\{\s*total:/.test(line.trim()))
  const last = lines.at(-1)
  if (!last) return undefined
  const field = (name) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(last)?.[1] ?? 0)
  return { pass: field("pass"), fail: field("fail"), skip: field("skip"), todo: field("todo") }
}
