// Multi-homed hosts: a second LAN (B, 198.19.0.0/24) beside the bed's LAN A, and discovery's
// `interface` and `address` options across the two. Host 1 is on both LANs, host 3 on LAN B only
// (its LAN A cable is cut), host 6 on both, host 2 on LAN A only.
import { join } from "node:path"
import { account, sleep } from "./agents.js"
import { agent, check, type Context, type Scenario } from "./scenarios.js"

/** A Push on `host` finds `name` (browsing on `iface`), sends 200 messages; none may be lost. */
async function sendByName(ctx: Context, host: number, name: string, pullLog: string, iface?: string) {
  const sent = join(ctx.dir, `${name}-sent.log`)
  const push = agent(ctx, host, {
    role: "push", connect: [`mdns://${name}`], log: sent, count: 200, prefix: name,
    ...(iface === undefined ? {} : { browseInterface: iface }),
  })
  const ready = await push.waitFor("ready", 30_000)
  const up = await push.waitFor("discovery:up", 15_000)
  await push.waitFor("drained", 20_000).catch((err: Error) => {
    throw new Error(`${err.message} (discovered ${JSON.stringify(up.endpoints)}, connects ${JSON.stringify(push.reports.filter((r) => r.ev === "connect").map((r) => r.address))})`)
  })
  const r = account([sent], [pullLog])
  check(r.lost === 0 && r.sent === 200, `${name}: sent ${r.sent}, lost ${r.lost}`)
  return { ms: up.t - ready.t, endpoints: up.endpoints as string[] }
}

export const multiHomed: Scenario = {
  name: "multi-homed hosts: advertise on one LAN (interface), advertise another address (address)",
  async run(ctx) {
    ctx.bed.addLan([1, 3, 6])
    ctx.bed.cut(3)
    try {
      // `interface`: host 1 advertises on LAN B only. A browser on LAN A (host 2), started first
      // so it hears every announcement there would be, must never see it.
      const lanA = agent(ctx, 2, { role: "browse", name: "mh", refresh: 500 })
      await lanA.waitFor("ready", 30_000)
      const mhLog = join(ctx.dir, "mh.log")
      const pull = agent(ctx, 1, { role: "pull", bind: "tcp://0.0.0.0:7010", advertise: "mh", on: { interface: "eth1" }, log: mhLog })
      await pull.waitFor("ready", 30_000)
      const b = await sendByName(ctx, 3, "mh", mhLog, "eth1")
      check(b.endpoints.length === 1 && b.endpoints[0] === "tcp://198.19.0.1:7010", `host 3 discovered ${JSON.stringify(b.endpoints)}`)
      await sleep(3000) // six more re-queries from host 2 (refresh 500 ms), none may be answered
      check(lanA.count("discovery:up") === 0, `host 2 (LAN A) found the LAN-B-only service: ${JSON.stringify(lanA.reports.filter((r) => r.ev === "discovery:up"))}`)

      // `address`: host 1 advertises on LAN A, but names its LAN B address; host 6 (on both)
      // hears it on LAN A and must dial the advertised address, not the announcement's source.
      const addrLog = join(ctx.dir, "mh-addr.log")
      const pull2 = agent(ctx, 1, { role: "pull", bind: "tcp://0.0.0.0:7011", advertise: "mhaddr", on: { interface: "eth0", address: "198.19.0.1" }, log: addrLog })
      await pull2.waitFor("ready", 30_000)
      const a = await sendByName(ctx, 6, "mhaddr", addrLog, "eth0")
      check(a.endpoints.length === 1 && a.endpoints[0] === "tcp://198.19.0.1:7011", `host 6 discovered ${JSON.stringify(a.endpoints)}`)
      return `interface: found on LAN B in ${b.ms} ms as ${b.endpoints[0]}, 200 messages, 0 lost; not seen on LAN A over 3 s of re-queries; ` +
        `address: found on LAN A in ${a.ms} ms as ${a.endpoints[0]} (the advertised LAN B address), 200 messages, 0 lost`
    } finally {
      ctx.bed.restore(3)
      ctx.bed.removeLan()
    }
  },
}
