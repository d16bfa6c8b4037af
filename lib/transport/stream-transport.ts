// tcp:// and ipc:// over node:net. Transports only move bytes: they listen, accept and dial,
// and know nothing of ZMTP or socket types. Every handle is unref'd: an idle socket must not keep
// the process alive (the socket base holds the process open while an operation is pending).
import { existsSync, unlinkSync } from "node:fs"
import { dirname } from "node:path"
import { connect as netConnect, createServer, type Server, type Socket as NetSocket } from "node:net"
import { zmqError, type ErrorCode, type ZmqError } from "../errors.js"
import { formatTcp, type Endpoint } from "./endpoint.js"

export type StreamEndpoint = Extract<Endpoint, { transport: "tcp" | "ipc" }>

export interface StreamListener {
  /** The resolved endpoint, e.g. "tcp://127.0.0.1:40123". */
  readonly endpoint: string
  close(): void
}

export function listenStream(
  endpoint: StreamEndpoint,
  onConnection: (stream: NetSocket, remote: string) => void,
): Promise<StreamListener> {
  return endpoint.transport === "tcp" ? listenTcp(endpoint, onConnection) : listenIpc(endpoint, onConnection)
}

/**
 * Reads a dialed stream into buffers the consumer chooses (Node's `onread`): a large frame is
 * read straight into its own buffer, with no 64 KiB chunk in between. Node offers this only for
 * sockets it dials, not for accepted ones, which keep 'data' events.
 */
export interface StreamReader {
  /** The buffer the next read fills; called once per read, before it. */
  nextBuffer(): Buffer
  /** `bytes` octets were read into `buffer`; false stops reading until `stream.read(0)`. */
  onRead(bytes: number, buffer: Buffer): boolean
}

/** Starts a connection attempt; the caller listens for 'connect', 'error' and 'close'. */
export function dialStream(endpoint: StreamEndpoint, reader?: StreamReader): NetSocket {
  const onread = reader && { buffer: () => reader.nextBuffer(), callback: (bytes: number, buffer: Uint8Array) => reader.onRead(bytes, buffer as Buffer) }
  const stream = endpoint.transport === "tcp"
    ? netConnect({ host: endpoint.host, port: endpoint.port, noDelay: true, ...(onread ? { onread } : {}) })
    : netConnect({ path: endpoint.path, ...(onread ? { onread } : {}) })
  stream.unref()
  return stream
}

function serve(onConnection: (stream: NetSocket, remote: string) => void): Server {
  const server = createServer({ noDelay: true, pauseOnConnect: false }, (stream) => {
    stream.unref()
    const remote = stream.remoteAddress ? formatTcp(stream.remoteAddress, stream.remotePort ?? 0) : "ipc://"
    onConnection(stream, remote)
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

async function listenTcp(endpoint: Extract<Endpoint, { transport: "tcp" }>, onConnection: (s: NetSocket, r: string) => void) {
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

async function listenIpc(endpoint: Extract<Endpoint, { transport: "ipc" }>, onConnection: (s: NetSocket, r: string) => void) {
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
