// The cluster test bed: N hosts on one machine, each a network namespace with its own stack,
// joined by veth pairs to one bridge that lives in a namespace of its own ("switch"). Nothing is
// added to the root namespace, so no packet can leave the machine. Addresses: 198.18.0.<i>/24
// (benchmarking range, RFC 2544) and fd42:b1c::<i>/64 (ULA), multicast routed through eth0.
//
// Names start with "blc<pid>-": a later run deletes what a crashed one (dead pid) left behind,
// and kills the processes still running inside those namespaces.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process"

export const PREFIX = "blc"
const NAME = /^blc(\d+)-/

export interface Host {
  readonly index: number
  readonly ns: string
  readonly ipv4: string
  readonly ipv6: string
}

function ip(args: string[], allowFail = false): string {
  const r = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 })
  if (r.status !== 0 && !allowFail) throw new Error(`ip ${args.join(" ")}: ${(r.stderr || r.error?.message || "").trim()}`)
  return r.stdout ?? ""
}

/** Why the bed cannot be built here, or undefined when it can. */
export function bedUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (ip netns)"
  const probe = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 10_000 })
  if (probe.error !== undefined) return `ip not runnable: ${probe.error.message}`
  if (probe.status !== 0) return `ip netns not permitted: ${probe.stderr.trim()}`
  const name = `${PREFIX}${process.pid}-probe`
  const add = spawnSync("ip", ["netns", "add", name], { encoding: "utf8", timeout: 10_000 })
  if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`
  ip(["netns", "del", name], true)
  return undefined
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"
  }
}

function ourNamespaces(): string[] {
  return ip(["netns", "list"], true).split("\n").map((l) => l.split(" ")[0] ?? "").filter((n) => NAME.test(n))
}

/** Kills every process inside `ns` (they can only be ours: we made the namespace) and deletes it. */
function removeNamespace(ns: string): void {
  for (const pid of ip(["netns", "pids", ns], true).split("\n").map(Number).filter((p) => p > 0)) {
    try { process.kill(pid, "SIGKILL") } catch { /* already gone */ }
  }
  ip(["netns", "del", ns], true)
}

/** Deletes namespaces (and their processes) left by earlier runs whose process is gone. */
export function sweepLeftovers(): string[] {
  const stale = ourNamespaces().filter((ns) => !alive(Number(NAME.exec(ns)?.[1])))
  for (const ns of stale) removeNamespace(ns)
  return stale
}

export class Bed {
  readonly hosts: Host[] = []
  readonly switchNs: string
  private readonly children = new Set<ChildProcess>()
  private destroyed = false

  private constructor(readonly id: string, count: number) {
    this.switchNs = `${id}-sw`
    for (let i = 1; i <= count; i++) {
      this.hosts.push({ index: i, ns: `${id}-h${i}`, ipv4: `198.18.0.${i}`, ipv6: `fd42:b1c::${i}` })
    }
  }

  /** Builds a bed of `count` hosts (after sweeping leftovers). Tear it down with destroy(). */
  static create(count: number, tag = "0"): Bed {
    sweepLeftovers()
    const bed = new Bed(`${PREFIX}${process.pid}-${tag}`, count)
    try {
      bed.build()
    } catch (err) {
      bed.destroy()
      throw err
    }
    return bed
  }

  private build(): void {
    const sw = this.switchNs
    ip(["netns", "add", sw])
    // Snooping off: every multicast frame floods to every port, as on a dumb switch.
    ip(["-n", sw, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"])
    ip(["-n", sw, "link", "set", "br0", "up"])
    for (const h of this.hosts) {
      ip(["netns", "add", h.ns])
      ip(["link", "add", "eth0", "netns", h.ns, "type", "veth", "peer", "name", `p${h.index}`, "netns", sw])
      ip(["-n", sw, "link", "set", `p${h.index}`, "master", "br0"])
      ip(["-n", sw, "link", "set", `p${h.index}`, "up"])
      const n = ["-n", h.ns]
      ip([...n, "link", "set", "lo", "up"])
      ip([...n, "addr", "add", `${h.ipv4}/24`, "dev", "eth0"])
      ip([...n, "-6", "addr", "add", `${h.ipv6}/64`, "dev", "eth0", "nodad"])
      ip([...n, "link", "set", "eth0", "multicast", "on"])
      ip([...n, "link", "set", "eth0", "up"])
      ip([...n, "route", "add", "224.0.0.0/4", "dev", "eth0"])
    }
  }

  host(i: number): Host {
    const h = this.hosts[i - 1]
    if (h === undefined) throw new Error(`no host ${i}`)
    return h
  }

  /**
   * The command line that runs `cmd` inside host `i`: its network namespace, and a UTS namespace
   * of its own with host name "h<i>", so DNS-SD host names and the TXT "host" differ per host as
   * on real machines. Every step execs the next, so the pid is the program's own.
   */
  private inHost(i: number, cmd: string, args: string[]): string[] {
    return ["netns", "exec", this.host(i).ns, "unshare", "-u", "--", "sh", "-c", 'hostname "$0" && exec "$@"', `h${i}`, cmd, ...args]
  }

  /** Starts `cmd` inside host `i`; killed by destroy() if still running. */
  spawn(i: number, cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn("ip", this.inHost(i, cmd, args), { stdio: ["ignore", "pipe", "pipe"], ...options })
    this.children.add(child)
    child.once("exit", () => this.children.delete(child))
    return child
  }

  /** Runs a command inside host `i` to completion. */
  run(i: number, cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("ip", this.inHost(i, cmd, args), { encoding: "utf8", timeout: 20_000 })
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" }
  }

  /** Cuts host `i`'s cable at the switch: no FIN, no RST, packets just stop. */
  cut(i: number): void {
    ip(["-n", this.switchNs, "link", "set", `p${i}`, "down"])
  }

  restore(i: number): void {
    ip(["-n", this.switchNs, "link", "set", `p${i}`, "up"])
  }

  /** Takes host `i`'s IPv4 address and multicast route away: an IPv6-only host. */
  dropIpv4(i: number): void {
    const h = this.host(i)
    ip(["-n", h.ns, "route", "del", "224.0.0.0/4", "dev", "eth0"], true)
    ip(["-n", h.ns, "addr", "del", `${h.ipv4}/24`, "dev", "eth0"], true)
  }

  /** Puts back what dropIpv4() took; a no-op on a host that has them. */
  restoreIpv4(i: number): void {
    const h = this.host(i)
    if (!ip(["-n", h.ns, "-4", "addr", "show", "dev", "eth0"], true).includes(h.ipv4)) {
      ip(["-n", h.ns, "addr", "add", `${h.ipv4}/24`, "dev", "eth0"])
    }
    if (!ip(["-n", h.ns, "route", "show", "224.0.0.0/4"], true).includes("eth0")) {
      ip(["-n", h.ns, "route", "add", "224.0.0.0/4", "dev", "eth0"])
    }
  }

  /**
   * A second LAN (bridge br1 in the switch): the given hosts get eth1 with 198.19.0.<i>/24 and
   * fd42:b1d::<i>/64, so they are multi-homed. removeLan() takes it away again.
   */
  addLan(hosts: number[]): void {
    const sw = this.switchNs
    ip(["-n", sw, "link", "add", "br1", "type", "bridge", "mcast_snooping", "0"])
    ip(["-n", sw, "link", "set", "br1", "up"])
    for (const i of hosts) {
      const n = ["-n", this.host(i).ns]
      ip(["link", "add", "eth1", "netns", this.host(i).ns, "type", "veth", "peer", "name", `q${i}`, "netns", sw])
      ip(["-n", sw, "link", "set", `q${i}`, "master", "br1"])
      ip(["-n", sw, "link", "set", `q${i}`, "up"])
      ip([...n, "addr", "add", `198.19.0.${i}/24`, "dev", "eth1"])
      ip([...n, "-6", "addr", "add", `fd42:b1d::${i}/64`, "dev", "eth1", "nodad"])
      ip([...n, "link", "set", "eth1", "multicast", "on"])
      ip([...n, "link", "set", "eth1", "up"])
    }
  }

  removeLan(): void {
    for (const h of this.hosts) ip(["-n", h.ns, "link", "del", "eth1"], true)
    ip(["-n", this.switchNs, "link", "del", "br1"], true)
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const child of this.children) {
      if (child.pid !== undefined && child.exitCode === null) {
        try { process.kill(child.pid, "SIGKILL") } catch { /* gone */ }
      }
    }
    for (const h of this.hosts) removeNamespace(h.ns)
    removeNamespace(this.switchNs)
  }
}
