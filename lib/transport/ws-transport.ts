// ws:// and wss:// on Node, over the `ws` package (the WebSocket protocol: handshake, framing,
// masking, fragments, ping/pong, close). Bytes only: subprotocol choice is asked of the caller.
// Several binds may share one HTTP(S) server, told apart by path, and a bind may attach to the
// application's own http.Server. Every handle is unref'd, like the tcp transport's.
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import { connect as netConnect, isIP, type Socket as NetSocket } from "node:net"
import type { Duplex } from "node:stream"
import { checkServerIdentity, connect as tlsConnect, rootCertificates, type ConnectionOptions } from "node:tls"
import WebSocket, { WebSocketServer } from "ws"
import { zmqError, type ZmqError } from "../errors.js"
import { formatTcp, type Endpoint } from "./endpoint.js"
import type { WsLink, WsSettings, WsTlsOptions } from "./ws-link.js"
import { NodeWsLink } from "./ws-node-link.js"

export type WsEndpoint = Extract<Endpoint, { transport: "ws" | "wss" }>

export interface WsListenOptions extends WsSettings {
  /** The subprotocol to answer with, from the client's offer; undefined refuses the upgrade. */
  chooseProtocol(offered: ReadonlySet<string>): string | undefined
  /** Attach to this server instead of listening on the endpoint's host and port. */
  server?: HttpServer | undefined
}

export interface WsListener {
  readonly endpoint: string
  close(): void
}

export type OnWsConnection = (link: WsLink, remote: string) => void

// ---- subprotocol names ----------------------------------------------------------------------
// RFC 45 names its subprotocols "ZWS2.0/NULL" etc., but "/" is not a token character (RFC 6455
// asks for tokens), so `ws` refuses to offer such a name and answers 400 to a client that does
// (libzmq does). Both sides therefore carry the real header past `ws` under a stand-in token:
// the client writes the header itself and reads the answer before `ws` checks it; the server
// reads the offer before `ws` parses it and answers with the real name (`ws` writes it as is).

/** What `ws` sees in place of the real subprotocol header. */
const STAND_IN = "zws"
const kOffer = Symbol("zws offer")

function parseOffer(header: string | undefined): Set<string> {
  return new Set((header ?? "").split(",").map((name) => name.trim()).filter((name) => name.length > 0))
}

// ---- dialing ------------------------------------------------------------------------------

/** The URL a client asks for: host and port as given (IPv6 in brackets), then the path. */
export function wsUrl(endpoint: WsEndpoint): string {
  return `${formatTcp(endpoint.host, endpoint.port, endpoint.transport)}${endpoint.path}`
}

/**
 * Starts a connection attempt offering `protocols`; `onOpen` gets the link once the WebSocket
 * handshake is done, `onFail` the reason when it never opens. Returns a cancel function.
 */
export function dialWs(
  endpoint: WsEndpoint, protocols: readonly string[], options: WsSettings,
  onOpen: (link: WsLink) => void, onFail: (error: ZmqError) => void,
): () => void {
  const secure = endpoint.transport === "wss"
  let chosen = ""
  const ws = new WebSocket(wsUrl(endpoint), [STAND_IN], {
    perMessageDeflate: false,
    maxPayload: options.maxPayload,
    followRedirects: false,
    ...(secure ? clientTls(endpoint, options.tls) : {}),
    // Unref'd from the start, like tcp dials: an idle socket must not keep the process alive.
    createConnection: (connect: ConnectionOptions & { path?: string }) => {
      const socket = secure ? tlsConnect({ ...connect, path: undefined } as ConnectionOptions) : netConnect(connect as never)
      socket.unref()
      return socket
    },
    finishRequest: (request: import("node:http").ClientRequest) => {
      request.setHeader("Sec-WebSocket-Protocol", protocols.join(", "))
      request.prependListener("upgrade", (response: IncomingMessage) => {
        const answer = response.headers["sec-websocket-protocol"]
        if (answer === undefined || !protocols.includes(answer)) return // `ws` refuses it
        chosen = answer
        response.headers["sec-websocket-protocol"] = STAND_IN
      })
      request.end()
    },
  } as WebSocket.ClientOptions)
  let settled = false
  const fail = (error: Error) => {
    if (settled) return
    settled = true
    onFail(zmqError("ECONNREFUSED", error.message, { address: endpoint.address, cause: error }))
  }
  ws.once("error", fail)
  ws.once("unexpected-response", (_request, response: IncomingMessage) => {
    fail(new Error(`WebSocket upgrade refused: HTTP ${response.statusCode}`))
    ws.terminate()
  })
  ws.once("close", () => fail(new Error("connection closed before the WebSocket handshake")))
  ws.once("open", () => {
    if (settled) return ws.terminate()
    settled = true
    ws.off("error", fail)
    onOpen(new NodeWsLink(ws, chosen))
  })
  return () => {
    settled = true
    ws.terminate()
  }
}

function clientTls(endpoint: WsEndpoint, tls: WsTlsOptions): ConnectionOptions {
  const ca = tls.trustPem !== undefined ? [tls.trustPem, ...(tls.trustSystem ? rootCertificates : [])] : undefined
  const servername = tls.hostname ?? (isIP(endpoint.host) === 0 ? endpoint.host : undefined)
  return {
    ...(ca ? { ca } : {}),
    ...(servername !== undefined ? { servername } : {}),
    ...(tls.certPem !== undefined ? { cert: tls.certPem } : {}),
    ...(tls.keyPem !== undefined ? { key: tls.keyPem } : {}),
    // wssHostname: the certificate must name it, whatever address we dialed.
    ...(tls.hostname !== undefined ? { checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) => checkServerIdentity(tls.hostname!, cert) } : {}),
  }
}

// ---- listening ----------------------------------------------------------------------------

interface Route {
  readonly server: WebSocketServer
  readonly onConnection: OnWsConnection
}

/** One HTTP(S) server and the paths bound on it. */
interface SharedServer {
  readonly http: HttpServer
  /** Ours (closed with its last route) or the application's (left running). */
  readonly own: boolean
  readonly secure: boolean
  readonly routes: Map<string, Route>
  key: string | undefined
}

/** Servers we listen on ourselves, by "scheme host port", so a second bind can share one. */
const byAddress = new Map<string, SharedServer>()
/** Application servers we attached to. */
const byServer = new WeakMap<HttpServer, SharedServer>()

export async function listenWs(endpoint: WsEndpoint, options: WsListenOptions, onConnection: OnWsConnection): Promise<WsListener> {
  const shared = options.server ? attachTo(options.server, endpoint) : await sharedServer(endpoint, options.tls)
  if (shared.routes.has(endpoint.path)) {
    if (shared.own && shared.routes.size === 0) closeShared(shared)
    throw zmqError("EADDRINUSE", `bind ${endpoint.address} failed: path ${endpoint.path} is already bound`, { address: endpoint.address })
  }
  const server = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: options.maxPayload,
    handleProtocols: (_standIn, request) => options.chooseProtocol((request as IncomingMessage & { [kOffer]?: Set<string> })[kOffer] ?? new Set()) ?? false,
  })
  shared.routes.set(endpoint.path, { server, onConnection })
  const resolved = resolvedEndpoint(shared, endpoint)
  return {
    endpoint: resolved,
    close: () => {
      if (shared.routes.get(endpoint.path)?.server !== server) return
      shared.routes.delete(endpoint.path)
      server.close()
      if (shared.routes.size === 0) closeShared(shared)
    },
  }
}

function attachTo(http: HttpServer, endpoint: WsEndpoint): SharedServer {
  let shared = byServer.get(http)
  if (!shared) {
    shared = { http, own: false, secure: endpoint.transport === "wss", routes: new Map(), key: undefined }
    byServer.set(http, shared)
    listenForUpgrades(shared)
  }
  return shared
}

async function sharedServer(endpoint: WsEndpoint, tls: WsTlsOptions): Promise<SharedServer> {
  const key = `${endpoint.transport} ${endpoint.host} ${endpoint.port}`
  const existing = endpoint.port === 0 ? undefined : byAddress.get(key)
  if (existing) return existing
  const secure = endpoint.transport === "wss"
  if (secure && (tls.keyPem === undefined || tls.certPem === undefined)) {
    throw zmqError("EINVAL", `bind ${endpoint.address} needs the wssKeyPem and wssCertPem options`, { address: endpoint.address })
  }
  const http = secure ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }) : createHttpServer()
  // Plain HTTP requests to a ZWS endpoint get a short refusal, not a hang.
  http.on("request", (_request, response) => { response.writeHead(426, { Connection: "close" }).end() })
  http.unref()
  await new Promise<void>((resolve, reject) => {
    http.once("error", (error: NodeJS.ErrnoException) => reject(bindError(error, endpoint.address)))
    http.listen({ host: endpoint.host, port: endpoint.port, exclusive: true }, () => resolve())
  })
  http.on("error", () => {}) // after listen, errors surface per connection
  const shared: SharedServer = { http, own: true, secure, routes: new Map(), key: undefined }
  const bound = http.address()
  shared.key = typeof bound === "object" && bound ? `${endpoint.transport} ${endpoint.host} ${bound.port}` : key
  byAddress.set(shared.key, shared)
  listenForUpgrades(shared)
  return shared
}

function listenForUpgrades(shared: SharedServer): void {
  shared.http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const route = findRoute(shared, request.url ?? "/")
    if (!route) {
      // Another upgrade handler of the application may own this path.
      if (!shared.own && shared.http.listenerCount("upgrade") > 1) return
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
      return
    }
    ;(socket as NetSocket).unref?.()
    const offer = parseOffer(request.headers["sec-websocket-protocol"])
    ;(request as IncomingMessage & { [kOffer]?: Set<string> })[kOffer] = offer
    if (offer.size > 0) request.headers["sec-websocket-protocol"] = STAND_IN
    route.server.handleUpgrade(request, socket, head, (ws) => {
      const remote = formatTcp(request.socket.remoteAddress ?? "0.0.0.0", request.socket.remotePort ?? 0, shared.secure ? "wss" : "ws")
      route.onConnection(new NodeWsLink(ws, ws.protocol), remote)
    })
  })
}

/**
 * The route for a request path: exact match first; then, as libzmq 4.3.5's client sends only
 * the last segment of its endpoint's path ("ws://h:p/a/b" asks for "/b"), the one bound path
 * ending in that segment, if exactly one does.
 */
function findRoute(shared: SharedServer, url: string): Route | undefined {
  const path = url.split("?")[0]!
  const exact = shared.routes.get(path)
  if (exact) return exact
  const segment = path.slice(path.lastIndexOf("/"))
  const endingThere = [...shared.routes.entries()].filter(([bound]) => bound.endsWith(segment) && segment !== "/")
  return endingThere.length === 1 ? endingThere[0]![1] : undefined
}

function resolvedEndpoint(shared: SharedServer, endpoint: WsEndpoint): string {
  const bound = shared.http.address()
  const port = typeof bound === "object" && bound ? bound.port : endpoint.port
  const host = shared.own ? endpoint.host : typeof bound === "object" && bound ? bound.address : endpoint.host
  return `${formatTcp(host === "::" ? "0.0.0.0" : host, port, endpoint.transport)}${endpoint.path}`
}

function closeShared(shared: SharedServer): void {
  if (!shared.own) return
  if (shared.key !== undefined && byAddress.get(shared.key) === shared) byAddress.delete(shared.key)
  shared.http.close()
  shared.http.closeAllConnections?.()
}

function bindError(error: NodeJS.ErrnoException, address: string): ZmqError {
  const known = ["EADDRINUSE", "EADDRNOTAVAIL", "EACCES"] as const
  const code = (known as readonly string[]).includes(error.code ?? "") ? (error.code as (typeof known)[number]) : "EINVAL"
  return zmqError(code, `bind ${address} failed: ${error.message}`, { address, cause: error })
}
