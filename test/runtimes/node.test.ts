// The runtime conformance suite (test/runtimes/conformance.mjs) under Node, inside `npm test`,
// so that the file Bun and Deno run (npm run test:bun, test:deno) stays green on Node too.
import { spawn } from "node:child_process"
import t from "tap"
import { REPO_ROOT, sourceFile } from "../helpers/paths.js"

t.setTimeout(120_000)

t.test("the runtime conformance suite passes under Node", async (t) => {
  const child = spawn(process.execPath, [sourceFile("test", "runtimes", "conformance.mjs")], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] })
  t.teardown(() => { if (child.exitCode === null) child.kill("SIGKILL") })
  let out = ""
  child.stdout.on("data", (d: Buffer) => { out += d.toString() })
  child.stderr.on("data", (d: Buffer) => { out += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
  const summary = /node: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(out)
  t.ok(summary, "printed its closing line")
  const failures = out.split("\n").filter((line) => line.startsWith("not ok")).join("\n")
  t.equal(Number(summary?.[2]), 0, failures || "no case failed")
  t.equal(Number(summary?.[3] ?? 0), 0, "nothing skipped on Node")
  // Every transport x pattern, udp, PLAIN and CURVE: a case that silently vanished shows here.
  t.ok(Number(summary?.[1]) >= 57, `every case ran (${summary?.[1]} passed)`)
  t.equal(code, 0, "exit code 0")
})
