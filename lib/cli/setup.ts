// Opens the socket a command asked for: security (a generated CURVE server key, a PLAIN ZAP
// handler), then bind/connect/advertise, plus the --events printer and the --stats hook.
// Returns a closer that honours linger and ends everything this file started.
import { curveKeyPair } from "../security/keys.js"
import type { SocketBase } from "../socket/socket-base.js"
import type { SocketEvent } from "../events.js"
import { usage } from "./cli-error.js"
import { socketOptions, type SocketFlags } from "./socket-options.js"
import { FACTORIES, type CliSocket } from "./socket-factories.js"
import { startZapHandler, type ZapHandler } from "./zap.js"

export interface Opened {
  readonly cli: CliSocket
  /** Closes the socket (lingering as configured) and what was started with it. */
  close(): Promise<void>
}

/** Where diagnostics go: stderr, so stdout carries only messages. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`)
}

export async function openSocket(type: string, flags: SocketFlags, topics: readonly string[]): Promise<Opened> {
  const make = FACTORIES[type]
  if (make === undefined) throw usage(`unknown socket type ${type}`)
  if (flags.bind.length + flags.connect.length === 0) throw usage(`${type}: give at least one --bind or --connect endpoint`)
  const options = socketOptions(flags)
  if (flags.curveServer && flags.curveSecretKey === undefined) {
    const pair = curveKeyPair()
    Object.assign(options, { curveSecretKey: pair.secretKey })
    note(`curve server public key: ${pair.publicKey}`)
  }
  let zap: ZapHandler | undefined
  if (flags.plainServer) zap = await startZapHandler(flags.plainUser, flags.plainPassword)
  const cli = make({ options, topics, group: flags.group })
  const socket = cli.socket
  const printing = flags.events ? printEvents(socket, (line) => note(line)) : undefined
  try {
    for (const endpoint of flags.bind) {
      await socket.bind(endpoint)
      // An ephemeral port is only known now: tell the user (and scripts) where to connect.
      if (/:(0|\*)$/.test(endpoint)) note(`bound ${socket.lastEndpoint}`)
    }
    for (const endpoint of flags.connect) socket.connect(endpoint)
    if (flags.advertise !== undefined) socket.advertise(flags.advertise)
  } catch (error) {
    socket.close()
    zap?.close()
    throw error
  }
  return {
    cli,
    close: async () => {
      // Goodbyes first, sent before the process exits, so browsers drop us at once.
      if (flags.advertise !== undefined) await socket.unadvertise(flags.advertise).catch(() => undefined)
      // After lingering, so the counts include the messages that were still queued.
      await closed(socket)
      if (flags.stats) printStats(socket)
      await printing
      zap?.close()
    },
  }
}

/** Closes and resolves when the socket has ended (lingering done). */
export function closed(socket: SocketBase): Promise<void> {
  if (socket.closed && socket.events.closed) return Promise.resolve()
  return new Promise((resolve) => {
    socket.events.watch("end", () => resolve())
    socket.close()
  })
}

/** One line per event: type, address, then error code, retry interval, details. */
export function eventLine(event: SocketEvent): string {
  const parts: string[] = [event.type]
  if (event.address !== undefined) parts.push(event.address)
  if (event.error !== undefined) parts.push(`${event.error.code ?? "error"}: ${event.error.message}`)
  if (event.interval !== undefined) parts.push(`retry in ${event.interval} ms`)
  if (event.detail !== undefined) parts.push(JSON.stringify(event.detail))
  return parts.join(" ")
}

export async function printEvents(socket: SocketBase, write: (line: string) => void): Promise<void> {
  for await (const event of socket.events) write(eventLine(event))
}

/** --stats: socket.stats() as one JSON line (the counters; the peers list is empty once closed). */
export function printStats(socket: SocketBase): void {
  const stats = (socket as unknown as { stats?: () => unknown }).stats
  if (typeof stats !== "function") return note("stats: socket.stats() is not available in this version")
  note(`stats: ${JSON.stringify(stats.call(socket))}`)
}
