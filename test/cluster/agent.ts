// One process on one host of the bed (run inside a namespace by bed.spawn). argv[2] is a JSON
// Role; the agent reports on stdout as JSON lines ({ ev: "...", t: Date.now(), ... }), and
// writes message ids to files with synchronous writes where a count must survive a SIGKILL.
// It exits on SIGTERM after closing its sockets.
import { appendFileSync, openSync, writeSync } from "node:fs"
import { getHeapSpaceStatistics } from "node:v8"
import { Dealer, Dish, Publisher, Pull, Push, Radio, Reply, Request, Router, Subscriber } from "../../lib/index.js"
import type { SocketBase } from "../../lib/socket/socket-base.js"

export type Role =
  | { role: "pull"; bind: string; advertise?: string; ttl?: number; id?: string; log?: string; heartbeat?: number; on?: { interface?: string; address?: string } }
  | { role: "push"; connect: string[]; log: string; count: number; from?: number; prefix: string; journal?: string; ackTimeout?: number; rate?: number; heartbeat?: number; browseInterface?: string }
  | { role: "browse"; name: string; refresh: number }
  | { role: "pub"; bind: string; rate: number }
  | { role: "sub"; connect: string }
  | { role: "radio"; connect: string; group: string; rate: number }
  | { role: "dish"; bind: string; group: string }
  | { role: "rep"; bind: string; tag: string }
  | { role: "req"; connect: string[]; count: number; timeout: number; retries: number; heartbeat?: number }
  | { role: "router"; bind: string; log: string; tag: string }
  | { role: "dealer"; connect: string[]; log: string; count: number; prefix: string; ackTimeout: number; rate: number; heartbeat?: number }

const report = (ev: string, detail: object = {}): void => {
  process.stdout.write(`${JSON.stringify({ ev, t: Date.now(), ...detail })}\n`)
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const sockets: SocketBase[] = []
let stopping = false
let finishing = false // SIGUSR2: a sender stops sending, drains its buffer and reports "drained"
process.on("SIGUSR2", () => { finishing = true })

process.on("SIGTERM", () => {
  stopping = true
  for (const s of sockets) s.close()
  setTimeout(() => process.exit(0), 500).unref()
})

function track<S extends SocketBase>(socket: S): S {
  sockets.push(socket)
  for (const type of ["connect", "disconnect", "discovery:up", "discovery:down"] as const) {
    socket.events.on(type, (e) => {
      const d = e.detail as { instance?: string; reason?: string; endpoints?: string[] } | undefined
      report(type, { address: e.address, instance: d?.instance, reason: d?.reason, endpoints: d?.endpoints })
    })
  }
  return socket
}

const heartbeat = (ms: number | undefined) => ms === undefined ? {} : { heartbeatInterval: ms, heartbeatTimeout: ms * 3 }

async function pull(r: Extract<Role, { role: "pull" }>): Promise<void> {
  const sock = track(new Pull({ ...heartbeat(r.heartbeat) }))
  await sock.bind(r.bind)
  if (r.advertise !== undefined) {
    sock.advertise(r.advertise, { ...(r.ttl === undefined ? {} : { ttl: r.ttl }), ...(r.id === undefined ? {} : { id: r.id }), ...r.on })
  }
  report("ready", { endpoint: sock.lastEndpoint })
  const fd = r.log === undefined ? undefined : openSync(r.log, "a")
  let n = 0
  for await (const [frame] of sock) {
    n++
    // Written before the ack can leave (acks go out in a later turn), so a SIGKILL cannot lose it.
    if (fd !== undefined) writeSync(fd, `${String(frame)}\n`)
  }
  report("done", { received: n })
}

async function push(r: Extract<Role, { role: "push" }>): Promise<void> {
  const sock = track(new Push({
    ...heartbeat(r.heartbeat), reconnectInterval: 100, reconnectMaxInterval: 500,
    reliable: { ackTimeout: r.ackTimeout ?? 1000, ...(r.journal === undefined ? {} : { journal: r.journal }) },
  }))
  for (const ep of r.connect) sock.connect(ep, r.browseInterface === undefined ? {} : { interface: r.browseInterface })
  report("ready")
  const fd = openSync(r.log, "a")
  const gap = r.rate === undefined ? 0 : 1000 / r.rate
  for (let i = r.from ?? 0; i < r.count && !stopping && !finishing; i++) {
    const id = `${r.prefix}${i}`
    await sock.send(id)
    writeSync(fd, `${id}\n`) // accepted: send() resolved, so it must be delivered
    if (gap > 0) await sleep(gap)
  }
  while (sock.reliableStats.unacked > 0 && !stopping) await sleep(50)
  report("drained", { stats: sock.reliableStats })
}

async function browse(r: Extract<Role, { role: "browse" }>): Promise<void> {
  const sock = track(new Push({ discovery: { refreshInterval: r.refresh } }))
  sock.connect(`mdns://${r.name}`)
  report("ready")
  await new Promise(() => {})
}

async function pub(r: Extract<Role, { role: "pub" }>): Promise<void> {
  const sock = track(new Publisher())
  await sock.bind(r.bind)
  report("ready", { endpoint: sock.lastEndpoint })
  for (let i = 0; !stopping; i++) {
    await sock.send(["t", String(i)])
    await sleep(1000 / r.rate)
  }
}

async function sub(r: Extract<Role, { role: "sub" }>): Promise<void> {
  const sock = track(new Subscriber())
  sock.subscribe("t")
  sock.connect(r.connect)
  report("ready")
  for await (const [, seq] of sock) report("msg", { seq: Number(String(seq)) })
}

async function radio(r: Extract<Role, { role: "radio" }>): Promise<void> {
  const sock = track(new Radio())
  sock.connect(r.connect)
  report("ready")
  for (let i = 0; !stopping; i++) {
    await sock.send(String(i), { group: r.group })
    await sleep(1000 / r.rate)
  }
}

async function dish(r: Extract<Role, { role: "dish" }>): Promise<void> {
  const sock = track(new Dish())
  await sock.bind(r.bind)
  sock.join(r.group)
  report("ready")
  for await (const [body] of sock) report("msg", { seq: Number(String(body)) })
}

async function rep(r: Extract<Role, { role: "rep" }>): Promise<void> {
  const sock = track(new Reply())
  await sock.bind(r.bind)
  report("ready", { endpoint: sock.lastEndpoint })
  for await (const [msg] of sock) await sock.send(`${r.tag}:${String(msg)}`)
}

async function req(r: Extract<Role, { role: "req" }>): Promise<void> {
  const sock = track(new Request({ ...heartbeat(r.heartbeat), reconnectInterval: 100, reconnectMaxInterval: 500 }))
  for (const ep of r.connect) sock.connect(ep)
  report("ready")
  for (let i = 0; i < r.count && !stopping; i++) {
    try {
      const reply = await sock.request(String(i), { timeout: r.timeout, retries: r.retries })
      report("reply", { i, from: String(reply).split(":")[0] })
    } catch (err) {
      report("fail", { i, code: (err as { code?: string }).code })
    }
    await sleep(20)
  }
  report("done")
}

async function router(r: Extract<Role, { role: "router" }>): Promise<void> {
  const sock = track(new Router())
  await sock.bind(r.bind)
  report("ready", { endpoint: sock.lastEndpoint })
  const fd = openSync(r.log, "a")
  for await (const [id, body] of sock) {
    writeSync(fd, `${String(body)}\n`) // before the ack can leave, as in pull()
    await sock.send([id!, `${r.tag}:${String(body)}`])
  }
}

async function dealer(r: Extract<Role, { role: "dealer" }>): Promise<void> {
  const sock = track(new Dealer({
    ...heartbeat(r.heartbeat), reconnectInterval: 100, reconnectMaxInterval: 500, reliable: { ackTimeout: r.ackTimeout },
  }))
  for (const ep of r.connect) sock.connect(ep)
  report("ready")
  const replies: Record<string, number> = {}
  void (async () => {
    for await (const [body] of sock) {
      const tag = String(body).split(":")[0]!
      if (replies[tag] === undefined) report("first-reply", { tag })
      replies[tag] = (replies[tag] ?? 0) + 1
    }
  })()
  const fd = openSync(r.log, "a")
  for (let i = 0; i < r.count && !stopping; i++) {
    const id = `${r.prefix}${i}`
    await sock.send(id)
    writeSync(fd, `${id}\n`)
    await sleep(1000 / r.rate)
  }
  while (sock.reliableStats.unacked > 0 && !stopping) await sleep(50)
  report("drained", { stats: sock.reliableStats, replies })
}

const role = JSON.parse(process.argv[2] ?? "{}") as Role
// argv[3] = "memory:<ms>" (the soak, with node --expose-gc): every <ms>, a full GC, then the
// heap as V8 sees it, so a leak shows apart from how lazily V8 gives memory back.
const memoryEvery = Number(/^memory:(\d+)$/.exec(process.argv[3] ?? "")?.[1] ?? 0)
const gc = (globalThis as { gc?: () => void }).gc
if (memoryEvery > 0 && gc !== undefined) {
  setInterval(() => {
    gc()
    const m = process.memoryUsage()
    // Committed size per V8 space: says which space holds RSS that the used heap does not explain.
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size / 1e6]))
    report("memory", { heapMb: m.heapUsed / 1e6, heapTotalMb: m.heapTotal / 1e6, externalMb: m.external / 1e6, rssMb: m.rss / 1e6, spaces })
  }, memoryEvery).unref()
}
const run = { pull, push, browse, pub, sub, radio, dish, rep, req, router, dealer }[role.role] as (r: Role) => Promise<void>
run(role).then(() => {
  for (const s of sockets) s.close()
}, (err: unknown) => {
  appendFileSync("/dev/stderr", `${String((err as Error)?.stack ?? err)}\n`)
  report("error", { message: String(err) })
  process.exit(1)
})
