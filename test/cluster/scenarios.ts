// The cluster scenarios. Each one starts agents on hosts of one shared bed, injects its faults
// while traffic flows, and returns its figures; it throws (with the reason) when what it must show
// does not hold. Every wait is bounded; the runner stops the agents and restores links afterwards.
import { join } from "node:path"
import type { Bed } from "./bed.js"
import { account, percentile, readIds, sleep, startAgent, type Agent } from "./agents.js"

export interface Context {
  readonly bed: Bed
  readonly dir: string // a fresh directory for this scenario's logs and journals
  readonly agents: Agent[] // started agents, stopped by the runner
}

export interface Scenario {
  readonly name: string
  /** Short enough for npm test. */
  readonly quick?: boolean
  run(ctx: Context): Promise<string>
}

function agent(ctx: Context, host: number, role: Parameters<typeof startAgent>[2]): Agent {
  const a = startAgent(ctx.bed, host, role)
  ctx.agents.push(a)
  return a
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message)
}

/** Cuts a host's link, then kills its processes: a host gone without a goodbye. */
function vanish(ctx: Context, host: number): void {
  ctx.bed.cut(host)
  for (const a of ctx.agents) if (a.host === host) a.signal("SIGKILL")
}

const discovery: Scenario = {
  name: "discovery: 4 workers, 2 producers, expiry after TTL",
  async run(ctx) {
    const ttl = 3
    const browsers = [5, 6].map((h) => agent(ctx, h, { role: "browse", name: "jobs", refresh: 500 }))
    await Promise.all(browsers.map((b) => b.waitFor("ready", 30_000)))
    const workers = [1, 2, 3, 4].map((h) => agent(ctx, h, { role: "pull", bind: "tcp://*:0", advertise: "jobs", ttl, id: `w${h}` }))
    // Figures count from advertise() (the agent's "ready"), not from process start: node's start-up
    // under load is not what discovery costs.
    const ready = await Promise.all(workers.map((w) => w.waitFor("ready", 30_000)))
    const lastReady = Math.max(...ready.map((r) => r.t))
    const ups: number[] = []
    const full: number[] = []
    for (const b of browsers) {
      const at = await Promise.all([1, 2, 3, 4].map((h) => b.waitFor("discovery:up", 15_000, (r) => r.instance === `w${h}`)))
      ups.push(...at.map((u, i) => u.t - ready[i]!.t))
      full.push(Math.max(...at.map((u) => u.t)) - lastReady)
    }
    const cutAt = Date.now()
    vanish(ctx, 4)
    const downs = await Promise.all(browsers.map((b) => b.waitFor("discovery:down", ttl * 1000 + 5000, (r) => r.instance === "w4")))
    for (const d of downs) check(d.reason === "expired", `w4 went down with reason ${String(d.reason)}, expected "expired"`)
    const expiry = downs.map((d) => d.t - cutAt)
    for (const b of browsers) check(b.count("discovery:down", (r) => r.instance !== "w4") === 0, "a live worker was dropped")
    return `full set p50 ${percentile(full, 50)} ms, max ${Math.max(...full)} ms (per peer p50 ${percentile(ups, 50)}, max ${Math.max(...ups)}); ` +
      `vanished host dropped after ${Math.max(...expiry)} ms (TTL ${ttl} s, refresh 0.5 s)`
  },
}

const reliable: Scenario = {
  name: "reliable Push to 3 Pulls: cut, kill receiver, kill journaled sender",
  async run(ctx) {
    const count = 3000
    const pullLog = (h: number) => join(ctx.dir, `pull-${h}.log`)
    const sentLog = join(ctx.dir, "sent.log")
    const pulls = new Map<number, Agent>()
    const startPull = async (h: number) => {
      const p = agent(ctx, h, { role: "pull", bind: `tcp://198.18.0.${h}:7001`, log: pullLog(h) })
      await p.waitFor("ready", 30_000)
      pulls.set(h, p)
    }
    await Promise.all([1, 2, 3].map(startPull))
    const pushRole = { role: "push" as const, connect: [1, 2, 3].map((h) => `tcp://198.18.0.${h}:7001`), log: sentLog, count, prefix: "m", journal: join(ctx.dir, "push.journal"), ackTimeout: 1000, rate: 400 }
    let push = agent(ctx, 4, pushRole)
    await push.waitFor("ready", 30_000)
    await sleep(1000)
    ctx.bed.cut(1) // silent link cut while traffic flows
    await sleep(2000)
    ctx.bed.restore(1)
    pulls.get(2)!.signal("SIGKILL") // receiver dies, restarts on the same endpoint
    await sleep(500)
    await startPull(2)
    await sleep(1000)
    push.signal("SIGKILL") // journaled sender dies, restarts on its journal
    await push.exited
    const accepted = new Set(readIds(sentLog))
    push = agent(ctx, 4, { ...pushRole, from: accepted.size })
    await push.waitFor("drained", 60_000)
    await sleep(300) // the last acks' messages are logged before their ack leaves; nothing to wait for, margin only
    const r = account([sentLog], [1, 2, 3].map(pullLog))
    check(r.lost === 0, `${r.lost} accepted messages lost`)
    check(r.sent === count, `only ${r.sent} of ${count} accepted`)
    return `sent ${r.sent}, delivered ${r.delivered}, duplicated ${r.duplicated}, lost ${r.lost}`
  },
}


const fanout: Scenario = {
  name: "pub/sub fan-out to 5 hosts",
  quick: true,
  async run(ctx) {
    const pub = agent(ctx, 6, { role: "pub", bind: "tcp://198.18.0.6:7002", rate: 200 })
    await pub.waitFor("ready", 30_000)
    const subs = [1, 2, 3, 4, 5].map((h) => agent(ctx, h, { role: "sub", connect: "tcp://198.18.0.6:7002" }))
    await Promise.all(subs.map((s) => s.waitFor("msg", 30_000)))
    await sleep(2000)
    const counts = subs.map((s) => {
      const seqs = s.reports.filter((r) => r.ev === "msg").map((r) => r.seq as number)
      const gaps = seqs.slice(1).filter((v, i) => v !== seqs[i]! + 1).length
      check(gaps === 0, `subscriber on host ${s.host} saw ${gaps} gaps`)
      return seqs.length
    })
    return `5 subscribers, ${Math.min(...counts)}-${Math.max(...counts)} messages each in ~2 s, 0 gaps`
  },
}

const multicast: Scenario = {
  name: "Radio/Dish over udp multicast across the bridge",
  quick: true,
  async run(ctx) {
    const dishes = [1, 2, 3, 4, 5].map((h) => agent(ctx, h, { role: "dish", bind: "udp://239.1.2.3:7100", group: "g" }))
    await Promise.all(dishes.map((d) => d.waitFor("ready", 30_000)))
    const radio = agent(ctx, 6, { role: "radio", connect: "udp://198.18.0.6;239.1.2.3:7100", group: "g", rate: 200 })
    await radio.waitFor("ready", 30_000)
    await Promise.all(dishes.map((d) => d.waitFor("msg", 30_000)))
    await sleep(1500)
    const counts = dishes.map((d) => d.count("msg"))
    check(Math.min(...counts) > 100, `a Dish got only ${Math.min(...counts)} datagrams`)
    return `5 Dishes on other hosts, ${Math.min(...counts)}-${Math.max(...counts)} datagrams each in ~1.5 s`
  },
}

const failover: Scenario = {
  name: "Request/Reply: Reply host dies, request() retries fail over",
  async run(ctx) {
    const reps = [1, 2].map((h) => agent(ctx, h, { role: "rep", bind: `tcp://198.18.0.${h}:7003`, tag: `h${h}` }))
    await Promise.all(reps.map((r) => r.waitFor("ready", 30_000)))
    const req = agent(ctx, 3, { role: "req", connect: [1, 2].map((h) => `tcp://198.18.0.${h}:7003`), count: 60, timeout: 500, retries: 3, heartbeat: 200 })
    await req.waitFor("reply", 10_000, (r) => (r.i as number) >= 20)
    vanish(ctx, 1)
    await req.waitFor("done", 60_000)
    const fails = req.count("fail")
    const after = req.reports.filter((r) => r.ev === "reply" && (r.i as number) > 30)
    check(fails === 0, `${fails} requests failed`)
    check(after.every((r) => r.from === "h2"), "a reply came from the dead host")
    return `60 requests, 0 failed; after host 1 vanished every reply came from host 2`
  },
}

const heartbeat: Scenario = {
  name: "SIGSTOP of a peer: heartbeats drop it within heartbeatTimeout",
  quick: true,
  async run(ctx) {
    const interval = 200
    const pull = agent(ctx, 1, { role: "pull", bind: "tcp://198.18.0.1:7004", heartbeat: interval })
    await pull.waitFor("ready", 30_000)
    const push = agent(ctx, 2, { role: "push", connect: ["tcp://198.18.0.1:7004"], log: join(ctx.dir, "hb.log"), count: 1e9, prefix: "h", rate: 50, heartbeat: interval })
    await push.waitFor("connect", 30_000)
    await sleep(500)
    const stoppedAt = Date.now()
    pull.signal("SIGSTOP")
    const d = await push.waitFor("disconnect", interval * 3 + 3000)
    pull.signal("SIGCONT")
    const took = d.t - stoppedAt
    // The peer is dropped heartbeatTimeout after the first PING it leaves unanswered, and PINGs go
    // out every heartbeatInterval: at most interval + timeout, plus scheduling slack under load.
    check(took <= interval * 4 + 500, `dropped after ${took} ms, heartbeatTimeout ${interval * 3} ms`)
    return `stopped peer dropped after ${took} ms (heartbeatInterval ${interval}, heartbeatTimeout ${interval * 3})`
  },
}

const ipv6: Scenario = {
  name: "IPv6: discovery and tcp between hosts",
  async run(ctx) {
    const log = join(ctx.dir, "v6.log")
    const sent = join(ctx.dir, "v6-sent.log")
    const pull = agent(ctx, 1, { role: "pull", bind: "tcp://[fd42:b1c::1]:7005", advertise: "v6", log })
    await pull.waitFor("ready", 30_000)
    const push = agent(ctx, 2, { role: "push", connect: ["mdns://v6"], log: sent, count: 200, prefix: "v" })
    const up = await push.waitFor("discovery:up", 15_000)
    await push.waitFor("drained", 20_000)
    const r = account([sent], [log])
    check(r.lost === 0 && r.sent === 200, `sent ${r.sent}, lost ${r.lost}`)
    return `found by name in ${up.t - push.reports[0]!.t} ms, 200 messages over tcp://[fd42:b1c::1], 0 lost`
  },
}

export const scenarios: Scenario[] = [heartbeat, fanout, multicast, discovery, reliable, failover, ipv6]
