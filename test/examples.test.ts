// Every example must run and exit by itself with code 0: `npm start` (examples/demo.js) and each
// other examples/*.js that exists. Examples import ../dist, so dist is rebuilt first when a lib/
// source is newer. Examples that use mDNS isolate themselves (they re-run inside `unshare -n`
// when run as root), so this file needs no network namespace of its own.
import t from "tap"
import { spawn, spawnSync } from "node:child_process"
import { readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { REPO_ROOT } from "./helpers/paths.js"
import { Dealer } from "../lib/socket/dealer.js"
import { Subscriber } from "../lib/socket/subscriber.js"

const ROOT = REPO_ROOT
const EXAMPLES = join(ROOT, "examples")
const PER_EXAMPLE_MS = 20_000

const others = readdirSync(EXAMPLES).filter((f) => f.endsWith(".js") && f !== "demo.js").sort()
// Sequential runs: give the file room beyond the default timeout (build + every example).
t.setTimeout(120_000 + PER_EXAMPLE_MS * (others.length + 2))

/** Newest mtime under `dir` of files ending in `ext`. */
function newest(dir: string, ext: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, ext))
    else if (entry.name.endsWith(ext)) latest = Math.max(latest, statSync(path).mtimeMs)
  }
  return latest
}

function builtAt(): number {
  try {
    return statSync(join(ROOT, "dist", "index.js")).mtimeMs
  } catch {
    return 0
  }
}

interface Run { code: number | null; signal: string | null; out: string; err: string; ms: number }

/** Runs a command in its own process group; on timeout kills that group (ours alone). */
function run(cmd: string, args: string[], ms: number): Promise<Run> {
  const started = Date.now()
  const child = spawn(cmd, args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  let err = ""
  child.stdout.on("data", (d: Buffer) => { out += d.toString() })
  child.stderr.on("data", (d: Buffer) => { err += d.toString() })
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
  }, ms)
  return new Promise((resolve) => child.on("close", (code, signal) => {
    clearTimeout(timer)
    resolve({ code, signal, out, err, ms: Date.now() - started })
  }))
}

t.before(() => {
  if (builtAt() >= newest(join(ROOT, "lib"), ".ts")) return
  // Type errors elsewhere in the tree do not stop tsc from emitting; the examples decide.
  const build = spawnSync("npx", ["--no-install", "tsc", "-p", "."], { cwd: ROOT, encoding: "utf8", timeout: 120_000 })
  t.comment(`built dist (tsc exit ${build.status})`)
})

t.test("npm start: the discovery demo finds its peers, exchanges messages and exits 0", async (t) => {
  const r = await run("npm", ["start", "--silent"], PER_EXAMPLE_MS)
  t.equal(r.signal, null, `exited by itself (${r.ms} ms)`)
  t.equal(r.code, 0, r.err.trim() || "exit code 0")
  t.match(r.out, /found PULL worker1/)
  t.match(r.out, /found PULL worker2/)
  t.match(r.out, /\[worker1\] +got job/)
  t.match(r.out, /\[worker2\] +got job/)
  t.match(r.out, /lost worker1 \(goodbye\)/)
  t.match(r.out, /\[worker2\] +got job 8/, "jobs after the goodbye reach the remaining worker")
  t.match(r.out, /\[client\] +"what time is it\?" -> \d{4}-/)
  t.match(r.out, /closed every socket; exiting\n$/)
})

for (const file of others) {
  t.test(`examples/${file} runs and exits 0 by itself`, async (t) => {
    const r = await run(process.execPath, [join(EXAMPLES, file)], PER_EXAMPLE_MS)
    t.equal(r.signal, null, `exited by itself (${r.ms} ms)`)
    t.equal(r.code, 0, r.err.trim() || "exit code 0")
    t.ok(r.out.trim().length > 0, "printed what it did")
  })
}

// The browser example's server (examples/browser/): the page and the bundle over http, and a
// Router and a Publisher over ws:// on the same port. A Node Dealer and Subscriber stand in for
// the page here (test/browser/chromium.suite.ts loads the page itself in Chromium).
t.test("examples/browser/server.js serves the page and the bundle, and answers ws:// clients", async (t) => {
  const child = spawn(process.execPath, [join(EXAMPLES, "browser", "server.js"), "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
  const dealer = new Dealer({ linger: 0, receiveTimeout: 5000 })
  const subscriber = new Subscriber({ linger: 0, receiveTimeout: 5000 })
  t.teardown(() => { dealer.close(); subscriber.close(); if (child.exitCode === null) child.kill("SIGKILL") })
  let out = ""
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), PER_EXAMPLE_MS)
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      const match = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)
      if (match) { clearTimeout(timer); resolve(match[1]!) }
    })
  })
  const page = await fetch(`${base}/`)
  t.equal(page.status, 200, "the page")
  t.match(await page.text(), /import \{ Dealer, Subscriber \} from "\/brokerless.js"/)
  const bundle = await fetch(`${base}/brokerless.js`)
  t.equal(bundle.status, 200, "the browser build")
  t.match(bundle.headers.get("content-type"), /javascript/)
  t.ok((await bundle.arrayBuffer()).byteLength > 10_000, "the whole bundle")

  const ws = base.replace("http:", "ws:")
  dealer.connect(`${ws}/rpc`)
  await dealer.send("hello from the test")
  const [answer] = await dealer.receive()
  t.match(String(answer), /^Node v\d+.* got "hello from the test"$/, "the Router answers")
  subscriber.subscribe("tick")
  subscriber.connect(`${ws}/ticks`)
  const [topic, time] = await subscriber.receive()
  t.equal(String(topic), "tick")
  t.match(String(time), /^\d{4}-\d\d-\d\dT/, "the Publisher ticks")

  const exited = new Promise<number | null>((resolve) => child.on("close", resolve))
  child.kill("SIGTERM")
  t.equal(await exited, 0, "SIGTERM stops it cleanly")
  t.match(out, /stopped\n$/)
})
