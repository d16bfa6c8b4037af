// Fault tests with real processes (fixtures/reliable-peer.ts). Only PIDs started here are killed.
//
//   parent Push ──tcp──> child Pull (SIGKILLed mid-stream, restarted on the same endpoint)
//   parent Push ──tcp──> child Pull A (SIGKILLed) + child Pull B      (re-routing)
//   child Push + journal (SIGKILLed, restarted) ──tcp──> parent Pull (nothing accepted is lost)
//   parent Request ──tcp──> child Reply (holds the request, SIGKILLed, replaced)
import t, { type Test } from "tap"
import { fork, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { Request } from "../../lib/socket/request.js"
import { until, within } from "../helpers/events.js"
import { childExecArgv, siblingModule } from "../helpers/paths.js"

const FIXTURE = siblingModule(import.meta.url, "./fixtures/reliable-peer")
const execArgv = childExecArgv()

interface Peer {
  child: ChildProcess
  /** Resolves with the first IPC message matching `key`. */
  next(key: string, ms?: number): Promise<Record<string, unknown>>
  kill(): Promise<void>
}

/** Starts a fixture process; it is SIGKILLed (by its PID) at teardown if still running. */
function spawnPeer(t: Test, args: string[], onMessage: (message: Record<string, unknown>) => void = () => {}): Peer {
  const child = fork(FIXTURE, args, { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const alive = () => child.exitCode === null && child.signalCode === null
  t.teardown(async () => {
    if (alive()) process.kill(child.pid!, "SIGKILL")
    await exited
  })
  child.on("message", onMessage)
  return {
    child,
    next: (key, ms = 15_000) => within(new Promise((resolve) => {
      const listener = (message: Record<string, unknown>) => {
        if (!(key in message)) return
        child.off("message", listener)
        resolve(message)
      }
      child.on("message", listener)
    }), ms, `child message ${key}`),
    kill: async () => {
      if (alive()) process.kill(child.pid!, "SIGKILL")
      await exited
    },
  }
}

/** A TCP port that was free a moment ago (restarted children must bind the same endpoint). */
async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const range = (n: number, prefix = "") => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

/** Every line of the receivers' output files, counted (a receiver writes a line per message it took). */
function readSeen(...files: string[]): Map<string, number> {
  const seen = new Map<string, number>()
  for (const file of files) {
    if (!fs.existsSync(file)) continue
    for (const line of fs.readFileSync(file, "utf8").split("\n")) if (line) seen.set(line, (seen.get(line) ?? 0) + 1)
  }
  return seen
}

function scratch(t: Test): string {
  const dir = fs.mkdtempSync(join(tmpdir(), "brokerless-faults-"))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** On failure, says what the sender still holds and what is missing. */
async function diagnose(t: Test, push: Push, lost: () => string[], waiting: Promise<void>): Promise<void> {
  try {
    await waiting
  } catch (error) {
    const gone = lost()
    t.comment(`missing ${gone.length} (${gone.slice(0, 10).join(",")}...); sender ${JSON.stringify(push.reliableStats)}`)
    throw error
  }
}

const missing = (seen: Map<string, number>, expected: string[]) => expected.filter((m) => !seen.has(m))
const duplicated = (seen: Map<string, number>) => [...seen.values()].filter((n) => n > 1).length

t.test("receiver SIGKILLed mid-stream and restarted on the same endpoint: every message arrives", { timeout: 60_000 }, async (t) => {
  const endpoint = `tcp://127.0.0.1:${await freePort()}`
  const N = 5000
  const dir = scratch(t)
  const files = [join(dir, "first.txt"), join(dir, "second.txt")]
  const seen = () => readSeen(...files)
  const first = spawnPeer(t, ["pull", endpoint, files[0]!])
  await first.next("ready")
  const push = new Push({ reliable: { ackTimeout: 1000 }, reconnectInterval: 50 })
  t.teardown(() => push.close())
  push.connect(endpoint)
  const sending = (async () => { for (const m of range(N)) await push.send(m) })()
  await until(() => seen().size >= 1500, 20_000, "first receiver got 1500")
  const unackedAtKill = push.reliableStats.unacked
  await first.kill()
  const countAtKill = seen().size
  const second = spawnPeer(t, ["pull", endpoint, files[1]!])
  await second.next("ready")
  await within(sending, 30_000, "all sends accepted")
  await diagnose(t, push, () => missing(seen(), range(N)), until(() => missing(seen(), range(N)).length === 0, 30_000, "every message received"))
  await until(() => push.reliableStats.unacked === 0, 10_000, "every message acked")
  t.same(missing(seen(), range(N)), [], "none lost")
  const dups = duplicated(seen())
  t.ok(dups <= unackedAtKill, `duplicates (${dups}) only among the ${unackedAtKill} unacked when the receiver died`)
  t.comment(`killed after ${countAtKill} messages; ${dups} duplicates; stats ${JSON.stringify(push.reliableStats)}`)
})

t.test("two receivers, one SIGKILLed: its unacked messages are re-routed to the other", { timeout: 60_000 }, async (t) => {
  const N = 4000
  const dir = scratch(t)
  const [fileA, fileB] = [join(dir, "a.txt"), join(dir, "b.txt")]
  const endpoints = [`tcp://127.0.0.1:${await freePort()}`, `tcp://127.0.0.1:${await freePort()}`]
  const a = spawnPeer(t, ["pull", endpoints[0]!, fileA])
  const b = spawnPeer(t, ["pull", endpoints[1]!, fileB])
  await Promise.all([a.next("ready"), b.next("ready")])
  const push = new Push({ reliable: { ackTimeout: 500 }, reconnectInterval: 50 })
  t.teardown(() => push.close())
  for (const endpoint of endpoints) push.connect(endpoint)
  await push.waitForPeers(2, { timeout: 10_000 })
  const sending = (async () => { for (const m of range(N)) await push.send(m) })()
  await until(() => readSeen(fileA).size >= 800, 20_000, "A got 800")
  await a.kill()
  const aHad = readSeen(fileA).size
  await within(sending, 30_000, "all sends accepted")
  const union = () => readSeen(fileA, fileB)
  await diagnose(t, push, () => missing(union(), range(N)), until(() => missing(union(), range(N)).length === 0, 30_000, "every message received by A or B"))
  await until(() => push.reliableStats.unacked === 0, 10_000, "every message acked")
  t.same(missing(union(), range(N)), [], "none lost")
  const seenB = readSeen(fileB)
  t.ok(seenB.size > N - aHad - 1, `B took over (${seenB.size} at B, ${aHad} at A)`)
  t.equal(duplicated(seenB), 0, "no duplicates at the live receiver")
  t.ok(push.reliableStats.resent > 0, `re-routed (${push.reliableStats.resent} re-sends)`)
})

t.test("sender SIGKILLed with a journal and restarted: nothing accepted by send() is lost", { timeout: 60_000 }, async (t) => {
  const journal = join(scratch(t), "outbox.journal")
  const pull = new Pull()
  t.teardown(() => pull.close())
  await pull.bind("tcp://127.0.0.1:0")
  const seen = new Map<string, number>()
  const receiving = (async () => {
    for await (const [frame] of pull) seen.set(String(frame), (seen.get(String(frame)) ?? 0) + 1)
  })()
  const accepted: string[] = []
  const first = spawnPeer(t, ["push", pull.lastEndpoint!, journal, "A", "100000"], (m) => {
    if (typeof m.accepted === "string") accepted.push(m.accepted)
  })
  await first.next("ready")
  await until(() => accepted.length >= 3000, 30_000, "3000 accepted")
  await first.kill()
  const acceptedAtKill = accepted.length
  const second = spawnPeer(t, ["push", pull.lastEndpoint!, journal, "B", "500"])
  const ready = await second.next("ready")
  await second.next("drained", 30_000)
  t.same(accepted.filter((m) => !seen.has(m)), [], `none of the ${acceptedAtKill} accepted A messages lost`)
  t.same(missing(seen, range(500, "B")), [], "the restarted sender's own messages arrived")
  t.equal(duplicated(seen), 0, "re-sent journal records keep their sender id and seq: the live receiver drops the copies")
  t.comment(`${acceptedAtKill} accepted before the kill; ${ready.unacked} recovered from the journal; ${seen.size} distinct received`)
  pull.close()
  await receiving
})

t.test("request() against a Reply that holds the request and is replaced: the answer comes", { timeout: 60_000 }, async (t) => {
  const endpoint = `tcp://127.0.0.1:${await freePort()}`
  const holder = spawnPeer(t, ["reply", endpoint, "hold"])
  await holder.next("ready")
  const req = new Request({ reconnectInterval: 50 })
  t.teardown(() => req.close())
  req.connect(endpoint)
  const answer = req.request("job", { timeout: 1500, retries: 5 })
  t.equal((await holder.next("held")).held, "job")
  await holder.kill()
  const replacement = spawnPeer(t, ["reply", endpoint, "answer"])
  await replacement.next("ready")
  const [reply] = await within(answer, 20_000, "request()")
  t.equal(String(reply), `from ${replacement.child.pid}: job`)
})
