// The options every socket command shares (endpoints, message format, timing, security,
// discovery, diagnostics), declared once for commander, and their translation into the
// library's SocketOptions. Validation of values happens here or in the library (EINVAL).
import { Command, InvalidArgumentError, Option } from "commander"
import { parseEnv } from "../discovery/options.js"
import type { SocketOptions } from "../socket/options.js"
import { FORMATS, type Format } from "./formats.js"

export interface SocketFlags {
  bind: string[]
  connect: string[]
  format: Format
  separator?: string
  count?: number
  timeout?: number
  delay?: number
  echo?: boolean
  reply?: string
  group?: string
  subscribers?: number
  routingId?: string
  hwm?: number
  linger?: number
  heartbeat?: number
  curveServer?: boolean
  curveSecretKey?: string
  curvePublicKey?: string
  curveServerKey?: string
  plainServer?: boolean
  plainUser?: string
  plainPassword?: string
  zapDomain?: string
  advertise?: string
  discovery?: string
  events?: boolean
  stats?: boolean
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function integer(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`an integer >= ${min} is needed.`)
    return n
  }
}

/** Adds the shared options to a socket command. */
export function addSocketOptions(cmd: Command): Command {
  return cmd
    .option("-b, --bind <endpoint>", "bind to an endpoint (repeatable), e.g. 'tcp://*:5555'", collect, [])
    .option("-c, --connect <endpoint>", "connect to an endpoint (repeatable), e.g. tcp://host:5555 or mdns://name", collect, [])
    .addOption(new Option("-f, --format <format>", "message format of input and output").choices(FORMATS).default("text"))
    .option("-s, --separator <sep>", "frame separator inside a line (text, hex; output default '|')")
    .option("-n, --count <n>", "stop after n messages (senders: send n, repeating the arguments)", integer(1))
    .option("-t, --timeout <ms>", "fail (exit 1) when a peer, message or reply takes longer than ms", integer(0))
    .option("-d, --delay <ms>", "wait ms between two sends", integer(0))
    .option("--echo", "answer every message with itself (rep, router, dealer, pair)")
    .option("--reply <text>", "answer every message with this text (rep, router, dealer, pair)")
    .option("-g, --group <group>", "radio: the group to send to; dish: a group to join")
    .option("--subscribers <n>", "pub: wait for n subscriptions before the first send", integer(1))
    .option("--routing-id <id>", "this socket's routing id (dealer, req, router)")
    .option("--hwm <n>", "send and receive high-water mark", integer(0))
    .option("--linger <ms>", "on exit, wait up to ms for queued messages to leave (default: --timeout, else forever)", integer(-1))
    .option("--heartbeat <ms>", "ZMTP heartbeat interval (drops dead peers)", integer(1))
    .option("--curve-server", "act as CURVE server (needs --curve-secret-key, or prints a generated public key)")
    .option("--curve-secret-key <z85>", "own CURVE secret key (40 Z85 characters)")
    .option("--curve-public-key <z85>", "own CURVE public key")
    .option("--curve-server-key <z85>", "CURVE client: the server's public key (own keys generated unless given)")
    .option("--plain-server", "act as PLAIN server: accept --plain-user/--plain-password, or anyone if not given")
    .option("--plain-user <name>", "PLAIN user name (client), or the one accepted (server)")
    .option("--plain-password <password>", "PLAIN password (client), or the one accepted (server)")
    .option("--zap-domain <domain>", "ZAP domain of a PLAIN or CURVE server")
    .option("--advertise <name>", "announce the bound endpoints over mDNS under name (peers connect mdns://name)")
    .option("--discovery <spec>", "how mdns://name resolves: mdns | seeds:<name>=<endpoint>[,...] | dns:<domain>[@server]")
    .option("--events", "print the socket's events to stderr, one line each")
    .option("--stats", "print the socket's statistics (socket.stats()) to stderr on exit")
}

/** The library options for the flags given (security, timing, queue sizes). */
export function socketOptions(flags: SocketFlags): SocketOptions {
  const options: Record<string, unknown> = {}
  if (flags.timeout !== undefined) {
    options.sendTimeout = flags.timeout
    options.receiveTimeout = flags.timeout
  }
  options.linger = flags.linger ?? flags.timeout ?? -1
  if (flags.hwm !== undefined) {
    options.sendHighWaterMark = flags.hwm
    options.receiveHighWaterMark = flags.hwm
  }
  if (flags.heartbeat !== undefined) options.heartbeatInterval = flags.heartbeat
  if (flags.routingId !== undefined) options.routingId = flags.routingId
  if (flags.curveServer) options.curveServer = true
  if (flags.curveSecretKey !== undefined) options.curveSecretKey = flags.curveSecretKey
  if (flags.curvePublicKey !== undefined) options.curvePublicKey = flags.curvePublicKey
  if (flags.curveServerKey !== undefined) options.curveServerKey = flags.curveServerKey
  if (flags.plainServer) options.plainServer = true
  else if (flags.plainUser !== undefined || flags.plainPassword !== undefined) {
    options.plainUsername = flags.plainUser ?? ""
    options.plainPassword = flags.plainPassword ?? ""
  }
  if (flags.zapDomain !== undefined) options.zapDomain = flags.zapDomain
  if (flags.discovery !== undefined) options.discovery = parseEnv(flags.discovery)
  return options as SocketOptions
}
