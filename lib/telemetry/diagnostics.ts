// node:diagnostics_channel publishing (Node entry only: the browser build never imports this).
// Each channel is checked with hasSubscribers first, so with nobody listening a connection event
// or a drop costs one property read; messages themselves never pass through here.
import diagnostics from "node:diagnostics_channel"
import type { SocketEvent } from "../events.js"
import type { Counters, DropReason } from "../util/counters.js"

/** What the connection channels publish: the socket and the event it emitted. */
export interface ConnectionMessage {
  socket: object
  event: SocketEvent
}

/** What "brokerless:drop" publishes: the socket, why, and how many messages. */
export interface DropMessage {
  socket: object
  reason: DropReason
  count: number
}

/** Channel names (README "Statistics and tracing"). */
export const CHANNELS = {
  connect: "brokerless:connect",
  handshake: "brokerless:handshake",
  disconnect: "brokerless:disconnect",
  error: "brokerless:error",
  drop: "brokerless:drop",
} as const

const connect = diagnostics.channel(CHANNELS.connect)
const handshake = diagnostics.channel(CHANNELS.handshake)
const disconnect = diagnostics.channel(CHANNELS.disconnect)
const error = diagnostics.channel(CHANNELS.error)
const drop = diagnostics.channel(CHANNELS.drop)

/** The channel for an event type, or undefined for events that are not about a connection. */
function channelOf(type: SocketEvent["type"]): diagnostics.Channel | undefined {
  switch (type) {
    case "connect": case "accept": return connect
    case "handshake": return handshake
    case "disconnect": return disconnect
    case "handshake:error:protocol": case "handshake:error:auth": case "handshake:error:other": case "accept:error": return error
    default: return undefined
  }
}

export function publishEvent(counters: Counters, event: SocketEvent): void {
  const channel = channelOf(event.type)
  if (channel !== undefined && channel.hasSubscribers) channel.publish({ socket: counters.owner, event } satisfies Partial<ConnectionMessage>)
}

export function publishDrop(counters: Counters, reason: DropReason, count: number): void {
  if (drop.hasSubscribers) drop.publish({ socket: counters.owner, reason, count } satisfies Partial<DropMessage>)
}
