// The cluster scenarios. Each one starts agents on hosts of one shared bed, injects its faults
// while traffic flows, and returns its figures; it throws (with the reason) when what it must show
// does not hold. Every wait is bounded; the runner stops the agents and restores links afterwards.
import { join } from "node:path"
import type { Bed } from "./bed.js"
import { account, percentile, readIds, Skipped, sleep, startAgent, type Agent } from "./agents.js"
import { AvahiHost, avahiUnavailable } from "./avahi.js"

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

export function agent(ctx: Context, host: number, role: Parameters<typeof startAgent>[2]): Agent {
  const a = startAgent(ctx.bed, host, role)
  ctx.agents.push(a)
  return a
}

export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message)
}

/** Cuts a host's link, then kills its processes: a host gone without a goodbye. */
/**
 * A Pull on host 1 binds `bind` and advertises `name`; a Push on host 2 connects to mdns://name and
 * sends 200 messages; none may be lost. Returns the Push's ready and discovery:up reports.
 */
async function pushByName(ctx: Context, name: string, bind: string, prefix: string) {
  const log = join(ctx.dir, `${name}.log`)
  const sent = join(ctx.dir, `${name}-sent.log`)
  const pull = agent(ctx, 1, { role: "pull", bind, advertise: name, log })
  await pull.waitFor("ready", 30_000)
  const push = agent(ctx, 2, { role: "push", connect: [`mdns://${name}`], log: sent, count: 200, prefix })
  const ready = await push.waitFor("ready", 30_000)
  const up = await push.waitFor("discovery:up", 15_000)
  await push.waitFor("drained", 20_000)
  const r = account([sent], [log])
  check(r.lost === 0 && r.sent === 200, `sent ${r.sent}, lost ${r.lost}`)
  return { ready, up, endpoints: up.endpoints as string[] }
}

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

// Timer lateness and event-loop lag on the shared 2-core machine (both processes are busy).
const HEARTBEAT_SLACK_MS = 150

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
    // The first PING after the peer's last traffic arms the timeout: dropped at most
    // heartbeatInterval + heartbeatTimeout after SIGSTOP, plus timer and scheduling slack.
    const bound = interval + interval * 3 + HEARTBEAT_SLACK_MS
    check(took <= bound, `dropped after ${took} ms, bound ${bound} ms (interval ${interval} + timeout ${interval * 3} + ${HEARTBEAT_SLACK_MS})`)
    // Not a drop for another reason: a PING sent just before SIGSTOP cannot expire earlier than this.
    check(took >= interval * 2, `dropped after ${took} ms, too early for heartbeats (timeout ${interval * 3} ms)`)
    return `stopped peer dropped after ${took} ms (heartbeatInterval ${interval}, heartbeatTimeout ${interval * 3}, bound ${bound})`
  },
}

const ipv6Only: Scenario = {
  name: "IPv6 only: mDNS over ff02::fb and tcp between hosts without IPv4",
  quick: true,
  async run(ctx) {
    for (const h of [1, 2]) ctx.bed.dropIpv4(h)
    const v4 = ctx.bed.run(1, "ip", ["-4", "addr", "show", "dev", "eth0"]).stdout.trim()
    check(v4 === "", `host 1 still has IPv4: ${v4}`)
    // A wildcard IPv6 bind is advertised as "tcp://*:7007"; the browser must fill in an IPv6
    // address (the AAAA record), as IPv4 multicast and addresses are gone from both hosts.
    const { up, ready, endpoints } = await pushByName(ctx, "v6only", "tcp://[::]:7007", "o")
    check(endpoints.length === 1 && endpoints[0] === "tcp://[fd42:b1c::1]:7007", `discovered ${JSON.stringify(endpoints)}`)
    return `no IPv4 on either host: found over ff02::fb in ${up.t - ready.t} ms as ${endpoints[0]}, 200 messages, 0 lost`
  },
}

const ipv6: Scenario = {
  name: "IPv6: discovery and tcp between hosts",
  async run(ctx) {
    const { up, ready } = await pushByName(ctx, "v6", "tcp://[fd42:b1c::1]:7005", "v")
    return `found by name in ${up.t - ready.t} ms, 200 messages over tcp://[fd42:b1c::1], 0 lost`
  },
}

const routerKill: Scenario = {
  name: "SIGKILL of a Router host: reliable Dealers fail over and reconnect",
  async run(ctx) {
    const log = (tag: string) => join(ctx.dir, `router-${tag}.log`)
    const startRouter = async (h: number, tag: string) => {
      const r = agent(ctx, h, { role: "router", bind: `tcp://198.18.0.${h}:7006`, log: log(tag), tag })
      await r.waitFor("ready", 30_000)
      return r
    }
    await Promise.all([startRouter(1, "h1"), startRouter(2, "h2")])
    const count = 2000
    const dealers = [3, 4].map((h) => agent(ctx, h, {
      role: "dealer", connect: [1, 2].map((r) => `tcp://198.18.0.${r}:7006`), log: join(ctx.dir, `dealer-${h}.log`),
      count, prefix: `d${h}-`, ackTimeout: 1000, rate: 250, heartbeat: 200,
    }))
    await Promise.all(dealers.map((d) => d.waitFor("first-reply", 30_000, (r) => r.tag === "h1")))
    await sleep(1000)
    const killedAt = Date.now()
    vanish(ctx, 1) // the Router's host: cable cut, then its process SIGKILLed
    await sleep(3000)
    ctx.bed.restore(1)
    await startRouter(1, "h1b") // the host comes back; its Router restarts on the same endpoint
    const back = await Promise.all(dealers.map((d) => d.waitFor("first-reply", 20_000, (r) => r.tag === "h1b")))
    const drained = await Promise.all(dealers.map((d) => d.waitFor("drained", 60_000)))
    await sleep(300) // margin only, as in the reliable scenario
    const r = account(dealers.map((d) => join(ctx.dir, `dealer-${d.host}.log`)), ["h1", "h2", "h1b"].map(log))
    check(r.lost === 0, `${r.lost} accepted messages lost`)
    check(r.sent === 2 * count, `only ${r.sent} of ${2 * count} accepted`)
    const toRestarted = readIds(log("h1b")).length
    check(toRestarted > 0, "the restarted Router got nothing: the Dealers did not reconnect")
    const replies = drained.map((d) => Object.values(d.replies as Record<string, number>).reduce((a, b) => a + b, 0))
    return `2 Dealers x ${count}: sent ${r.sent}, delivered ${r.delivered}, duplicated ${r.duplicated}, lost ${r.lost}; ` +
      `host 1 down 3 s, restarted Router reached again ${Math.max(...back.map((b) => b.t)) - killedAt} ms after the kill ` +
      `(${toRestarted} messages to it); replies ${replies.join(" / ")} of ${count}`
  },
}

/** One resolved line of `avahi-browse -p`: "=;iface;proto;name;type;domain;host;address;port;txt". */
interface Resolved { proto: string; name: string; host: string; address: string; port: number; txt: string[] }
function parseResolved(out: string): Resolved[] {
  return out.split("\n").filter((l) => l.startsWith("=;")).map((l) => {
    const f = l.split(";")
    return { proto: f[2]!, name: f[3]!, host: f[6]!, address: f[7]!, port: Number(f[8]), txt: [...(f.slice(9).join(";").matchAll(/"([^"]*)"/g))].map((m) => m[1]!) }
  })
}

const avahi: Scenario = {
  name: "Avahi: avahi-browse resolves our services, we use avahi-publish's",
  async run(ctx) {
    const why = avahiUnavailable()
    if (why !== undefined) throw new Skipped(why)
    const hosts = [1, 2].map((h) => new AvahiHost(ctx.bed, h, join(ctx.dir, `avahi-h${h}`)))
    try {
      await Promise.all(hosts.map((a) => a.start()))
      // Ours -> Avahi: a Pull on host 1, beside host 1's avahi-daemon, advertises "avx".
      const pull = agent(ctx, 1, { role: "pull", bind: "tcp://*:7010", advertise: "avx", id: "ours1" })
      const ready = await pull.waitFor("ready", 30_000)
      let found: Resolved | undefined
      let out = ""
      for (let i = 0; i < 5 && found === undefined; i++) {
        out = (await hosts[1]!.tool("avahi-browse", ["-rpt", "_zmtp._tcp"], 10_000)).out
        found = parseResolved(out).find((r) => r.proto === "IPv4" && r.name.startsWith("avx-ours1-"))
      }
      const seenIn = Date.now() - ready.t
      check(found !== undefined, `avahi-browse -rpt on host 2 did not resolve our service: ${out.trim().slice(0, 400)}`)
      check(found!.address === "198.18.0.1" && found!.port === 7010, `resolved to ${found!.address}:${found!.port}`)
      for (const kv of ["name=avx", "id=ours1", "type=PULL", "zmtp=3.1", "host=h1", "ep0=tcp://*:7010"]) {
        check(found!.txt.includes(kv), `TXT lacks ${kv}: ${found!.txt.join(" ")}`)
      }
      check(!/conflict/i.test(hosts[0]!.log), `host 1's avahi-daemon saw a conflict: ${hosts[0]!.log}`)
      // Avahi -> ours: a Pull on host 2 that does not advertise; avahi-publish announces it with
      // our TXT layout, and a Push on host 1 (beside Avahi) connects "mdns://avx2" and sends to it.
      const log = join(ctx.dir, "avx2.log")
      const sent = join(ctx.dir, "avx2-sent.log")
      await agent(ctx, 2, { role: "pull", bind: "tcp://198.18.0.2:7011", log }).waitFor("ready", 30_000)
      hosts[1]!.background("avahi-publish", ["-s", "avx2-av2-1", "_zmtp._tcp", "7011",
        "txtvers=1", "name=avx2", "id=av2", "type=PULL", "zmtp=3.1", "host=h2", "ep0=tcp://*:7011"])
      const push = agent(ctx, 1, { role: "push", connect: ["mdns://avx2"], log: sent, count: 200, prefix: "a" })
      const pushReady = await push.waitFor("ready", 30_000)
      const up = await push.waitFor("discovery:up", 15_000)
      check(up.instance === "av2", `discovered instance ${String(up.instance)}`)
      await push.waitFor("drained", 30_000)
      const r = account([sent], [log])
      check(r.lost === 0 && r.sent === 200, `sent ${r.sent}, lost ${r.lost}`)
      return `avahi-browse -rpt on host 2 resolved ours (198.18.0.1:7010, our TXT) ${seenIn} ms after advertise(); ` +
        `avahi-publish'd service found in ${up.t - pushReady.t} ms, 200 messages to it, 0 lost; no host-name conflict`
    } finally {
      await Promise.all(hosts.map((a) => a.stop()))
    }
  },
}

export const scenarios: Scenario[] = [heartbeat, fanout, multicast, discovery, reliable, failover, routerKill, ipv6, ipv6Only, avahi]
