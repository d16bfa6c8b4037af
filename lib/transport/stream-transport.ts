// tcp:// and ipc:// over node:net. Transports only move bytes: they listen, accept and dial,
// and know nothing of ZMTP or socket types. Every handle is unref'd: an idle socket must not keep
// the process alive (the socket base holds the process open while an operation is pending).
import { existsSync, unlinkSync } from "node:fs"
import { dirname } from "node:path"
import { connect as netConnect, createServer, type Server, type Socket as NetSocket } from "node:net"
import { zmqError, type ErrorCode, type ZmqError } from "../errors.js"
import { readAcceptedInPlace } from "./accepted-reads.js"
import { formatTcp, type Endpoint } from "./endpoint.js"
import { ReadHook } from "./read-hook.js"

export type StreamEndpoint = Extract<Endpoint, { transport: "tcp" | "ipc" }>

export interface StreamListener {
  /** The resolved endpoint, e.g. "tcp://127.0.0.1:40123". */
  readonly endpoint: string
  close(): void
}

/** An accepted connection's two ends (ipc: remote "ipc://", local undefined: an unbound unix socket has no name). */
export interface AcceptedEnds {
  remote: string
  local: string | undefined
}

/**
 * A new accepted connection. `reads` is set when the stream reads through it (see
 * accepted-reads.ts); otherwise the stream emits 'data'.
 */
export type OnConnection = (stream: NetSocket, ends: AcceptedEnds, reads: ReadHook | undefined) => void

export function listenStream(endpoint: StreamEndpoint, onConnection: OnConnection): Promise<StreamListener> {
  return endpoint.transport === "tcp" ? listenTcp(endpoint, onConnection) : listenIpc(endpoint, onConnection)
}

/**
 * Starts a connection attempt that reads through `reads`; the caller listens for 'connect',
 * 'error' and 'close'.
 */
export function dialStream(endpoint: StreamEndpoint, reads: ReadHook): NetSocket {
  const onread = reads.options()
  const stream = endpoint.transport === "tcp"
    ? netConnect({ host: endpoint.host, port: endpoint.port, noDelay: true, onread })
    : netConnect({ path: endpoint.path, onread })
  stream.unref()
  return stream
}

/**
 * The two ends of a connected tcp stream as endpoints ("tcp://10.0.0.2:41234"), for events and
 * stats; undefined for ipc (an unbound unix socket has no name) or once the stream is gone.
 */
export function streamEnds(stream: NetSocket): { remote: string; local: string } | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = stream
  if (!remoteAddress || !localAddress) return undefined
  return { remote: formatTcp(remoteAddress, remotePort ?? 0), local: formatTcp(localAddress, localPort ?? 0) }
}

function serve(onConnection: OnConnection): Server {
  // Paused, so that nothing is read before readAcceptedInPlace() takes the socket over.
  const server = createServer({ noDelay: true, pauseOnConnect: true }, (accepted) => {
    // Asked once, of the accepted socket: the in-place socket would ask the kernel again.
    const ends = streamEnds(accepted)
    const reads = new ReadHook()
    const inPlace = readAcceptedInPlace(accepted, reads)
    const stream = inPlace ?? accepted.resume()
    stream.unref()
    onConnection(stream, { remote: ends?.remote ?? "ipc://", local: ends?.local }, inPlace ? reads : undefined)
  })
  server.unref()
  return server
}

function startListening(server: Server, options: { host?: string; port?: number; path?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error)
    server.once("error", onError)
    server.listen({ ...options, exclusive: true }, () => {
      server.off("error", onError)
      server.on("error", () => {}) // errors after listen surface per connection
      resolve()
    })
  })
}

async function listenTcp(endpoint: Extract<Endpoint, { transport: "tcp" }>, onConnection: OnConnection) {
  const server = serve(onConnection)
  try {
    await startListening(server, { host: endpoint.host, port: endpoint.port })
  } catch (error) {
    throw bindError(error, endpoint.address)
  }
  const bound = server.address()
  const resolved = typeof bound === "object" && bound ? formatTcp(bound.address, bound.port) : endpoint.address
  return { endpoint: resolved, close: () => server.close() }
}

async function listenIpc(endpoint: Extract<Endpoint, { transport: "ipc" }>, onConnection: OnConnection) {
  if (!endpoint.abstract && !existsSync(dirname(endpoint.path))) {
    throw zmqError("ENOENT", `bind ${endpoint.address} failed: directory ${dirname(endpoint.path)} does not exist`, { address: endpoint.address })
  }
  const server = serve(onConnection)
  try {
    await startListening(server, { path: endpoint.path })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || endpoint.abstract || !(await isStale(endpoint.path))) {
      throw bindError(error, endpoint.address)
    }
    // The file belongs to a dead process (nobody accepts on it): replace it, as libzmq does.
    unlinkSync(endpoint.path)
    await startListening(server, { path: endpoint.path }).catch((retry) => { throw bindError(retry, endpoint.address) })
  }
  return {
    endpoint: endpoint.address,
    close: () => {
      server.close()
      if (!endpoint.abstract && existsSync(endpoint.path)) {
        try { unlinkSync(endpoint.path) } catch { /* already gone */ }
      }
    },
  }
}

/** A unix socket file is stale when connecting to it is refused. */
function isStale(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = netConnect({ path })
    probe.once("connect", () => { probe.destroy(); resolve(false) })
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"))
  })
}

const KNOWN: readonly ErrorCode[] = ["EADDRINUSE", "EADDRNOTAVAIL", "EACCES", "ENOENT"]

function bindError(error: unknown, address: string): ZmqError {
  const code = (error as NodeJS.ErrnoException).code as ErrorCode
  // Anything else (ENOTFOUND for an unknown host, EINVAL...) means the address itself is unusable.
  const mapped: ErrorCode = KNOWN.includes(code) ? code : "EINVAL"
  return zmqError(mapped, `bind ${address} failed: ${(error as Error).message}`, { address, cause: error })
}
