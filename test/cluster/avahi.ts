// Avahi on hosts of the bed: per host, a private system bus (dbus-daemon with its own config and
// socket in the scenario's directory) and an avahi-daemon that runs in its own mount namespace, so
// its fixed /run/avahi-daemon (pid file, socket) is a private tmpfs and daemons on several hosts
// do not see each other. The avahi tools reach their host's daemon through DBUS_SYSTEM_BUS_ADDRESS.
// Every daemon is a child started through bed.spawn, stopped by pid (and by bed.destroy).
import { spawnSync, type ChildProcess } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Bed } from "./bed.js"
import { sleep } from "./agents.js"

const TOOLS = ["avahi-daemon", "avahi-browse", "avahi-publish", "dbus-daemon", "unshare", "mount"]

/** Why Avahi cannot run here, or undefined when it can. */
export function avahiUnavailable(): string | undefined {
  const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0)
  if (missing.length > 0) return `not installed: ${missing.join(", ")} (apt-get install avahi-daemon avahi-utils dbus)`
  return undefined
}

const DBUS_CONF = (socket: string) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`

const AVAHI_CONF = (host: number) => `[server]
host-name=h${host}
use-ipv4=yes
use-ipv6=yes
allow-interfaces=eth0
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
`

export class AvahiHost {
  readonly env: NodeJS.ProcessEnv
  log = ""
  private readonly daemons: ChildProcess[] = []

  constructor(private readonly bed: Bed, readonly host: number, private readonly dir: string) {
    this.env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(dir, "bus")}` }
  }

  /** Starts dbus-daemon, then avahi-daemon; resolves once Avahi reports its start-up complete. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true })
    writeFileSync(join(this.dir, "dbus.conf"), DBUS_CONF(join(this.dir, "bus")))
    writeFileSync(join(this.dir, "avahi.conf"), AVAHI_CONF(this.host))
    this.daemons.push(this.bed.spawn(this.host, "dbus-daemon", ["--config-file", join(this.dir, "dbus.conf"), "--nofork", "--nopidfile"]))
    for (let i = 0; !existsSync(join(this.dir, "bus")); i++) {
      if (i > 100) throw new Error(`dbus-daemon on host ${this.host} made no socket in 10 s`)
      await sleep(100)
    }
    // A private tmpfs over all of /run, so /run/avahi-daemon can be made inside it: a fresh install
    // without systemd has no such directory, and making it in the real /run would leave it behind.
    // Nothing else in /run is needed: the bus socket lives in this scenario's directory.
    const script = 'mount -t tmpfs none /run && mkdir /run/avahi-daemon && exec avahi-daemon -f "$0" --no-chroot --no-drop-root --no-rlimits'
    const avahi = this.bed.spawn(this.host, "unshare", ["-m", "--", "sh", "-c", script, join(this.dir, "avahi.conf")], { env: this.env })
    this.daemons.push(avahi)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`avahi-daemon on host ${this.host} did not start in 15 s: ${this.log}`)), 15_000)
      const onData = (d: Buffer) => {
        this.log += d.toString()
        if (this.log.includes("Server startup complete")) { clearTimeout(timer); resolve() }
      }
      avahi.stdout!.on("data", onData)
      avahi.stderr!.on("data", onData)
      avahi.once("exit", (code) => { clearTimeout(timer); reject(new Error(`avahi-daemon on host ${this.host} exited (${code}): ${this.log}`)) })
    })
  }

  /** Runs an avahi tool on this host against this host's daemon; `ms` bounds it. */
  tool(cmd: string, args: string[], ms: number): Promise<{ code: number | null; out: string }> {
    const child = this.bed.spawn(this.host, "timeout", [String(ms / 1000), cmd, ...args], { env: this.env })
    let out = ""
    child.stdout!.on("data", (d: Buffer) => { out += d.toString() })
    child.stderr!.on("data", (d: Buffer) => { out += d.toString() })
    return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })))
  }

  /** A long-running avahi tool (avahi-publish), stopped with the daemons. */
  background(cmd: string, args: string[]): ChildProcess {
    const child = this.bed.spawn(this.host, cmd, args, { env: this.env })
    this.daemons.push(child)
    return child
  }

  /** SIGTERM to every process started here, by pid, newest first; waits for each to exit. */
  async stop(): Promise<void> {
    for (const child of this.daemons.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue
      const exited = new Promise((r) => child.once("exit", r))
      child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000)
      await exited
      clearTimeout(timer)
    }
    this.daemons.length = 0
  }
}
