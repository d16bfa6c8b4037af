// socket.stats(): the socket's counters (util/counters.ts) and a snapshot of its peers, shaped
// into a plain object. Reading is O(peers) and happens only when asked; the hot paths only
// increment. Connection counters come from the socket's own events (countEvent), which are
// rare, so the dialers and listeners need no counting code of their own.
import type { SocketEvent } from "../events.js"
import type { Pipe } from "../pipe/pipe.js"
import { traceHooks, type Counters } from "../util/counters.js"

/** One peer (one pipe): a live connection, or a connect()ed endpoint waiting to (re)connect. */
export interface PeerStats {
  /** The endpoint of the bind or connect this peer belongs to. */
  endpoint: string
  /** The peer's address (tcp: its IP and port), once connected. */
  address: string | undefined
  /** Our side of the connection (tcp: local IP and port), where the transport has one. */
  local: string | undefined
  /** The peer's socket type from its READY ("PULL"...), once connected. */
  socketType: string | undefined
  /** The peer's routing id: the one a Router knows it by, else the Identity it announced. */
  routingId: Buffer | undefined
  connected: boolean
  /** Messages queued for this peer (send side) and from it, not read yet (receive side). */
  outbound: number
  inbound: number
  /** Messages handed to this peer's connection / received from it. */
  sent: number
  received: number
  /** Date.now() of the last traffic either way (0: none yet). */
  lastActivity: number
}

export interface SocketStats {
  /** Messages accepted by send() and their bytes (every frame, envelope included). */
  sent: { messages: number; bytes: number }
  /** Messages handed to the application by receive() and their bytes. */
  received: { messages: number; bytes: number }
  /** Messages dropped, by reason (see README "Statistics and tracing"). */
  dropped: { hwm: number; noRoute: number; filtered: number; tooLarge: number }
  /** current: live handshaken connections; total: handshakes so far; failed: dials and handshakes that failed. */
  connections: { current: number; total: number; failed: number }
  /** Reconnect attempts scheduled. */
  reconnects: number
  peers: PeerStats[]
}

export function collectStats(c: Counters, pipes: Iterable<Pipe>): SocketStats {
  const peers: PeerStats[] = []
  let current = 0
  for (const pipe of pipes) {
    if (pipe.connected) current++
    peers.push(peerStats(pipe))
  }
  return {
    sent: { messages: c.sentMessages, bytes: c.sentBytes },
    received: { messages: c.receivedMessages, bytes: c.receivedBytes },
    dropped: { hwm: c.droppedHwm, noRoute: c.droppedNoRoute, filtered: c.droppedFiltered, tooLarge: c.droppedTooLarge },
    connections: { current, total: c.connections, failed: c.failed },
    reconnects: c.reconnects,
    peers,
  }
}

function peerStats(pipe: Pipe): PeerStats {
  const peer = pipe.peer
  const connected = pipe.connected
  return {
    endpoint: pipe.endpoint,
    address: connected ? peer?.address : undefined,
    local: connected ? peer?.local : undefined,
    socketType: connected ? peer?.socketType : undefined,
    routingId: pipe.routingId ?? (connected ? peer?.identity : undefined),
    connected,
    outbound: pipe.outbound.length,
    inbound: pipe.inbound.length,
    sent: pipe.messagesOut,
    received: pipe.messagesIn,
    lastActivity: pipe.lastActivity,
  }
}

/** Connection counters, from the events the socket emits anyway; and the tracing seam. */
export function countEvent(c: Counters, event: SocketEvent): void {
  traceHooks.event?.(c, event)
  switch (event.type) {
    case "handshake": c.connections++; return
    case "connect:retry":
      c.reconnects++
      // A retry after a failed dial (not after a connection that ended) is a failed connection.
      if (event.error?.code === "ECONNREFUSED") c.failed++
      return
    case "handshake:error:protocol": case "handshake:error:auth": case "handshake:error:other": case "accept:error":
      c.failed++
      return
    case "disconnect":
      if (event.error?.code === "ERR_ZMTP_MESSAGE_TOO_LARGE") c.drop("tooLarge")
      return
    default:
  }
}
