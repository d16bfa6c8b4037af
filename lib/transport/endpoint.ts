// Parses endpoint strings once, at the API edge, into a typed union (zmq.rs endpoint/mod.rs).
// Malformed input is EINVAL; an unknown scheme is EPROTONOSUPPORT.
import { isIP } from "node:net"
import { zmqError } from "../errors.js"

export type Endpoint =
  | { transport: "tcp"; address: string; host: string; port: number; anyHost: boolean }
  | { transport: "ipc"; address: string; path: string; abstract: boolean }
  | { transport: "inproc"; address: string; name: string }
  | { transport: "udp"; address: string; host: string; port: number; iface: string | undefined }
  | { transport: "mdns"; address: string; name: string }
  /** ws:// and wss:// (RFC 45): `path` starts with "/" ("/" when the endpoint has none). */
  | { transport: "ws" | "wss"; address: string; host: string; port: number; anyHost: boolean; path: string }

export type TransportName = Endpoint["transport"]

const SCHEME = /^([a-z0-9+]+):\/\/(.*)$/

export function parseEndpoint(address: string, forBind: boolean): Endpoint {
  if (typeof address !== "string") throw new TypeError("Endpoint must be a string")
  const match = SCHEME.exec(address)
  if (!match) throw invalid(address, "expected scheme://address")
  const [, scheme, rest] = match as unknown as [string, string, string]
  switch (scheme) {
    case "tcp": return { transport: "tcp", address, ...parseHostPort(address, rest, forBind) }
    case "ipc": return parseIpc(address, rest)
    case "inproc":
      if (rest.length === 0 || rest.length > 255) throw invalid(address, "inproc name must be 1 to 255 characters")
      return { transport: "inproc", address, name: rest }
    case "udp": return parseUdp(address, rest, forBind)
    case "ws": case "wss": return parseWs(scheme, address, rest, forBind)
    case "mdns":
      if (forBind) throw invalid(address, "mdns:// endpoints are for connect(); use advertise() to announce a bound socket")
      if (!/^[^\s./][^\s]{0,62}$/.test(rest)) throw invalid(address, "service name must be 1 to 63 characters")
      return { transport: "mdns", address, name: rest }
    default:
      throw zmqError("EPROTONOSUPPORT", `Transport ${scheme} is not supported (tcp, ipc, inproc, udp, mdns, ws, wss are)`, { address })
  }
}

function parseHostPort(address: string, rest: string, forBind: boolean) {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):([0-9]+|\*)$/.exec(rest)
  if (!match) throw invalid(address, "expected host:port")
  const host = match[1] ?? match[2] ?? ""
  if (match[1] !== undefined && isIP(host) !== 6) throw invalid(address, "bracketed host must be an IPv6 address")
  if (host.length === 0) throw invalid(address, "missing host")
  const port = match[3] === "*" ? 0 : Number(match[3])
  if (port > 65535) throw invalid(address, "port out of range")
  const anyHost = host === "*"
  if (!forBind && (anyHost || port === 0)) throw invalid(address, "connect needs a concrete host and port")
  return { host: anyHost ? "0.0.0.0" : host, port, anyHost }
}

function parseIpc(address: string, rest: string): Endpoint {
  if (rest.length === 0) throw invalid(address, "missing path")
  if (rest.startsWith("@")) {
    if (process.platform !== "linux") throw invalid(address, "abstract ipc names need Linux")
    return { transport: "ipc", address, path: `\0${rest.slice(1)}`, abstract: true }
  }
  if (Buffer.byteLength(rest) > 107) throw invalid(address, "unix socket path longer than 107 bytes")
  return { transport: "ipc", address, path: rest, abstract: false }
}

function parseUdp(address: string, rest: string, forBind: boolean): Endpoint {
  const semicolon = rest.indexOf(";")
  const iface = semicolon === -1 ? undefined : rest.slice(0, semicolon)
  const hostPort = parseHostPort(address, semicolon === -1 ? rest : rest.slice(semicolon + 1), forBind)
  return { transport: "udp", address, host: hostPort.host, port: hostPort.port, iface }
}

/** ws://host:port/path; the port may be left out when connecting (80 for ws, 443 for wss). */
function parseWs(scheme: "ws" | "wss", address: string, rest: string, forBind: boolean): Endpoint {
  const slash = rest.indexOf("/")
  let hostPort = slash === -1 ? rest : rest.slice(0, slash)
  const path = slash === -1 ? "/" : rest.slice(slash)
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw invalid(address, "path must be printable ASCII without spaces")
  if (!forBind && !/:([0-9]+|\*)$/.test(hostPort)) hostPort += scheme === "ws" ? ":80" : ":443"
  return { transport: scheme, address, path, ...parseHostPort(address, hostPort, forBind) }
}

function invalid(address: string, reason: string) {
  return zmqError("EINVAL", `Invalid endpoint ${JSON.stringify(address)}: ${reason}`, { address })
}

/** Formats a resolved tcp address as an endpoint (IPv6 in brackets). */
export function formatTcp(host: string, port: number, scheme = "tcp"): string {
  return `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`
}
