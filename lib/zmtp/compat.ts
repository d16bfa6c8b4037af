// Socket types and which pairs may talk (RFC 37 "The Socket Type Property", libzmq
// mechanism_t::check_socket_type). Pure data: no I/O, imported by the handshake and by discovery.

export const SOCKET_TYPES = [
  "PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB",
  "RADIO", "DISH", "SERVER", "CLIENT", "SCATTER", "GATHER", "DGRAM", "STREAM",
] as const

export type SocketType = (typeof SOCKET_TYPES)[number]

const PEERS: Readonly<Record<SocketType, readonly SocketType[]>> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  XPUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  XSUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PUSH: ["PULL"],
  PULL: ["PUSH"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  SCATTER: ["GATHER"],
  GATHER: ["SCATTER"],
  // Raw udp datagrams: no ZMTP peer at all.
  DGRAM: [],
  // Raw tcp peers (HTTP clients, servers...): no ZMTP peer either.
  STREAM: [],
}

export function isSocketType(name: string): name is SocketType {
  return (SOCKET_TYPES as readonly string[]).includes(name)
}

/** True when a socket of type `local` accepts a peer announcing `peer` (exact, upper case). */
export function isCompatible(local: SocketType, peer: string): boolean {
  return (PEERS[local] as readonly string[]).includes(peer)
}
