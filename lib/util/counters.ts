// A socket's statistics counters (socket.stats()): plain integer fields, bumped in place on the
// existing send/receive/drop paths. One object per socket, shared by reference with the
// strategies that can drop (Distributor...), so counting costs one increment and never a lookup
// or an allocation. Reading and shaping them into the public object is socket/stats.ts's job.
import type { SocketEvent } from "../events.js"

/** Why a message was dropped instead of delivered. */
export type DropReason = "hwm" | "noRoute" | "filtered" | "tooLarge"

export class Counters {
  /** The socket these count for (handed to the tracing seam with each drop). */
  constructor(readonly owner: object | undefined = undefined) {
    traceHooks.socket?.(this)
  }

  sentMessages = 0
  sentBytes = 0
  receivedMessages = 0
  receivedBytes = 0
  /** A peer's queue was full (PUB/XPUB/RADIO, Router without `mandatory`). */
  droppedHwm = 0
  /** No peer with that routing id (Router without `mandatory`, Server). */
  droppedNoRoute = 0
  /** No subscriber wanted it (PUB side), or no subscription matched (SUB side). */
  droppedFiltered = 0
  /** A peer's message was over maxMessageSize: its connection was closed (libzmq does the same). */
  droppedTooLarge = 0
  /** Handshakes completed. */
  connections = 0
  /** Dials refused or failed, handshakes that failed. */
  failed = 0
  /** Reconnect attempts scheduled (connect:retry). */
  reconnects = 0

  /** Counts a drop, and tells the tracing seam (diagnostics_channel "brokerless:drop"). */
  drop(reason: DropReason, count = 1): void {
    switch (reason) {
      case "hwm": this.droppedHwm += count; break
      case "noRoute": this.droppedNoRoute += count; break
      case "filtered": this.droppedFiltered += count; break
      case "tooLarge": this.droppedTooLarge += count; break
    }
    traceHooks.drop?.(this, reason, count)
  }
}

/**
 * The tracing seam. The Node entry (telemetry/) installs these; the browser build never does, so
 * it carries neither node:diagnostics_channel nor OpenTelemetry. Each hook is called only where
 * something already happens rarely (a socket made, a connection event, a drop).
 */
export interface TraceHooks {
  /** A socket was created (its counters, with the socket as `owner`). */
  socket?(counters: Counters): void
  /** A connection event the socket emitted. */
  event?(counters: Counters, event: SocketEvent): void
  drop?(counters: Counters, reason: DropReason, count: number): void
}

export const traceHooks: TraceHooks = {}

export function installTraceHooks(hooks: TraceHooks): void {
  Object.assign(traceHooks, hooks)
}
