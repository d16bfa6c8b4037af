// `brokerless monitor ENDPOINT`: connects (or binds, with --bind) a socket of a chosen type and
// prints its events, one line each (text or JSON), until --count events, --timeout ms or Ctrl-C.
// The default type, SUB with no subscription, never takes messages away from anyone.
import type { Command } from "commander"
import { Option } from "commander"
import { usage } from "./cli-error.js"
import { writeLine } from "./output.js"
import { integer, socketOptions, type SocketFlags } from "./socket-options.js"
import { SOCKET_TYPES } from "./socket-types.js"

interface MonitorFlags {
  type: string
  bind?: boolean
  json?: boolean
  count?: number
  timeout?: number
  curveServerKey?: string
  plainUser?: string
  plainPassword?: string
}

export function addMonitorCommand(program: Command): void {
  program.command("monitor")
    .description("connect to an endpoint and print the socket's events (connect, handshake, disconnect...)")
    .argument("<endpoint>", "endpoint to connect to (or bind, with --bind)")
    .addOption(new Option("-T, --type <type>", "socket type to monitor with").choices(Object.keys(SOCKET_TYPES)).default("sub"))
    .option("--bind", "bind the endpoint instead of connecting")
    .option("--json", "one JSON object per event")
    .option("-n, --count <n>", "stop after n events", integer(1))
    .option("-t, --timeout <ms>", "stop after ms (exit 0)", integer(0))
    .option("--curve-server-key <z85>", "CURVE: the server's public key")
    .option("--plain-user <name>", "PLAIN user name")
    .option("--plain-password <password>", "PLAIN password")
    .action(runMonitor)
}

async function runMonitor(endpoint: string, flags: MonitorFlags): Promise<void> {
  const { FACTORIES } = await import("./socket-factories.js")
  const options = socketOptions({ ...flags, bind: [], connect: [], format: "text", timeout: undefined, linger: 0 } as SocketFlags)
  const topics = flags.type === "dish" ? ["monitor"] : []
  const cli = FACTORIES[flags.type]!({ options, topics, group: undefined })
  const socket = cli.socket
  let stop: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  const timer = flags.timeout === undefined ? undefined : setTimeout(stop, flags.timeout)
  const { eventLine } = await import("./setup.js")
  const printing = (async () => {
    let n = 0
    for await (const event of socket.events) {
      if (flags.count !== undefined && n >= flags.count) continue // closing: drain quietly
      await writeLine(flags.json ? JSON.stringify({ time: new Date().toISOString(), ...event, remote: event.remote, local: event.local, peer: event.peer, error: event.error && { code: event.error.code, message: event.error.message } }) : `${new Date().toISOString()} ${eventLine(event)}`)
      if (flags.count !== undefined && ++n >= flags.count) stop()
    }
  })()
  try {
    if (flags.bind) await socket.bind(endpoint)
    else socket.connect(endpoint)
  } catch (error) {
    socket.close()
    throw (error as { code?: string }).code === "EINVAL" ? usage((error as Error).message) : error
  }
  await stopped
  clearTimeout(timer)
  socket.close()
  await printing
}
