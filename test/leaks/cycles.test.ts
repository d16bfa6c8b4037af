// Nothing is left behind: connect/disconnect and bind/unbind cycles return handles, fds and
// timers to their starting counts; closed (and idle) sockets let a process exit by itself.
import { createHook } from "node:async_hooks"
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import t from "tap"
import type { TestCase } from "../helpers/tap.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { uniqAddress, type Transport } from "../helpers/address.js"
import { nextEvent, until, within } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"
import { RawPeer } from "../helpers/raw-peer.js"
import { REPO_ROOT, siblingModule } from "../helpers/paths.js"

type Test = TestCase

/** What would keep the process alive: ref'd handles, requests and timers, by type. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[`active ${type}`] = (counts[`active ${type}`] ?? 0) + 1
  return counts
}

// Everything else: brokerless unrefs its handles and timers, which getActiveResourcesInfo() does
// not list, so live async resources (handles, timers, requests; not promises) are tracked from
// their init to their destroy.
const live = new Map<number, string>()
createHook({
  init(id, type) { if (type !== "PROMISE") live.set(id, type) },
  destroy(id) { live.delete(id) },
}).enable()

function resources(): Record<string, number> {
  const counts = activeResources()
  for (const type of live.values()) counts[`live ${type}`] = (counts[`live ${type}`] ?? 0) + 1
  return counts
}

function openFds(): number {
  return readdirSync("/proc/self/fd").length
}

const SLACK = 2

type Snapshot = { res: Record<string, number>; fds: number }

function snapshot(): Snapshot {
  return { res: resources(), fds: openFds() }
}

function grown(before: Snapshot): string[] {
  const after = resources()
  const over = Object.keys(after).filter((type) => after[type]! > (before.res[type] ?? 0) + SLACK)
  if (openFds() > before.fds + SLACK) over.push("fds")
  return over
}

/** Waits for the counts to come back (handles close asynchronously), then compares them. */
async function expectNoGrowth(t: Test, before: Snapshot, what: string): Promise<void> {
  await until(() => grown(before).length === 0, 5000, `${what}: resources back to their starting counts`).catch(() => {})
  const after = resources()
  for (const type of new Set([...Object.keys(before.res), ...Object.keys(after)])) {
    if ((after[type] ?? 0) > (before.res[type] ?? 0) + SLACK) t.fail(`${what}: ${type} ${before.res[type] ?? 0} -> ${after[type]}`)
  }
  t.ok(grown(before).length === 0, `${what}: no handle, timer or request type grew (${JSON.stringify(after)})`)
  const fds = openFds()
  t.ok(fds <= before.fds + SLACK, `${what}: fds ${before.fds} -> ${fds}`)
}

function pipeCount(socket: Push | Pull): number {
  return (socket as unknown as { pipes: Set<unknown> }).pipes.size
}

const CYCLES: [Transport, number][] = [["tcp", 1000], ["ipc", 200], ["inproc", 200]]

for (const [transport, cycles] of CYCLES) {
  t.test(`${transport}: ${cycles} connect/handshake/disconnect cycles leave nothing behind`, async (t) => {
    const pull = new Pull()
    const push = new Push({ linger: 0 })
    t.teardown(() => { push.close(); pull.close() })
    await pull.bind(uniqAddress(transport))
    const endpoint = pull.lastEndpoint!
    const cycle = async () => {
      await connectTo(pull, push, endpoint, 3000)
      // The disconnecting side reports "disconnect" for tcp/ipc; over inproc only the bound side does.
      const gone = Promise.all([
        nextEvent(pull, "disconnect", 3000),
        transport === "inproc" ? undefined : nextEvent(push, "disconnect", 3000),
      ])
      push.disconnect(endpoint)
      await gone
    }
    await cycle() // warm-up: first-use allocations are not leaks
    const before = snapshot()
    await within((async () => { for (let i = 0; i < cycles; i++) await cycle() })(), 40000, `${cycles} cycles`)
    t.equal(pipeCount(pull), 0, "the Pull has no pipes left")
    t.equal(pipeCount(push), 0, "the Push has no pipes left")
    await expectNoGrowth(t, before, `${cycles} ${transport} cycles`)
  })
}

for (const transport of ["tcp", "ipc", "inproc"] as Transport[]) {
  t.test(`${transport}: 200 bind/connect/close/unbind cycles leave nothing behind`, async (t) => {
    const pull = new Pull()
    t.teardown(() => pull.close())
    const cycle = async () => {
      const address = uniqAddress(transport)
      await pull.bind(address)
      const endpoint = pull.lastEndpoint!
      const push = new Push({ linger: 0 })
      await connectTo(pull, push, endpoint, 3000)
      const gone = nextEvent(pull, "disconnect", 3000)
      push.close()
      await gone
      await pull.unbind(endpoint)
      if (transport === "ipc" && existsSync(address.slice(6))) t.fail(`socket file ${address} left behind`)
    }
    await cycle()
    const before = snapshot()
    await within((async () => { for (let i = 0; i < 200; i++) await cycle() })(), 30000, "200 cycles")
    t.same(pull.boundEndpoints(), [])
    await expectNoGrowth(t, before, `200 ${transport} bind/unbind cycles`)
  })
}

t.test("closing a socket releases its connections even when a peer never closes its side", async (t) => {
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind(uniqAddress("tcp"))
  const peer = await RawPeer.connect(pull.lastEndpoint!, { allowHalfOpen: true })
  t.teardown(() => peer.destroy())
  const handshake = nextEvent(pull, "handshake", 3000)
  await peer.handshake("PUSH")
  await handshake
  const listeners = (pull as unknown as { endpoints: { listeners: { engines: Map<{ stream: import("node:net").Socket }, unknown> }[] } }).endpoints.listeners
  const stream = [...listeners[0]!.engines.keys()][0]!.stream
  const released = new Promise<void>((resolve) => stream.once("close", () => resolve()))
  pull.close()
  await within(released, 5000, "our end of the connection to be released")
  t.pass("released although the peer keeps its side open")
})

/**
 * The fixture as plain JS, so the children start in milliseconds instead of paying for a
 * TypeScript loader. Compiled tests (test/run.js) have it compiled beside them; run as
 * TypeScript, lib/ and the fixture are transpiled (no type check) under node_modules/.cache,
 * where bare imports (msgpackr...) still resolve from the project's node_modules.
 */
async function buildFixture(t: Test): Promise<string> {
  if (!import.meta.url.endsWith(".ts")) return siblingModule(import.meta.url, "./fixtures/exit-by-itself")
  const ts = (await import("typescript")).default
  const root = REPO_ROOT
  const out = join(root, "node_modules", ".cache", `brokerless-leaks-${process.pid}`)
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  const sources = [
    ...readdirSync(join(root, "lib"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => join("lib", f)),
    join("test", "leaks", "fixtures", "exit-by-itself.ts"),
  ]
  for (const source of sources) {
    const { outputText } = ts.transpileModule(readFileSync(join(root, source), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: source,
    })
    const target = join(out, source.replace(/\.ts$/, ".js"))
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, outputText)
  }
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }))
  return join(out, "test", "leaks", "fixtures", "exit-by-itself.js")
}

interface ChildRun { code: number | null; exitAt: number; output: string }

function runChild(t: Test, script: string, mode: string): Promise<ChildRun> {
  const child = spawn(process.execPath, [script, mode], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_OPTIONS: "" } })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL") })
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString() })
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, exitAt: Date.now(), output })))
}

t.test("processes exit by themselves once their sockets are done", async (t) => {
  const script = await within(buildFixture(t), 20000, "transpiling lib/ for the child")
  // [mode, least and most ms from "done" to exit]; "closed" includes a Push lingering 300 ms.
  const modes = [["closed", 250, 5000], ["idle", 0, 5000]] as const
  for (const [mode, least, most] of modes) {
    t.test(`sockets ${mode}`, async (t) => {
      const run = await within(runChild(t, script, mode), 10000, "child exit")
      t.equal(run.code, 0, "exit code 0")
      const done = /done (\d+)/.exec(run.output)
      t.ok(done, "the child finished its work")
      const lag = run.exitAt - Number(done?.[1] ?? 0)
      t.ok(lag >= least && lag < most, `exited ${lag} ms after its sockets were done (expected ${least}..${most} ms)`)
    })
  }
})
