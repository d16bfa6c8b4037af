// monitor() of the 5.x API: the v6 socket's events, re-emitted on the compat socket under the
// 5.x names with the 5.x listener arguments (value, endpoint, error). Every event is already
// pushed to us, so the polling interval and event count arguments have nothing to tune.
import type { SocketEvent, SocketEvents, EventType } from "../../index.js"

/** v6 event type -> 5.x event name. */
const NAMES: ReadonlyArray<[EventType, string]> = [
  ["connect", "connect"],
  ["connect:delay", "connect_delay"],
  ["connect:retry", "connect_retry"],
  ["bind", "listen"],
  ["bind:error", "bind_error"],
  ["accept", "accept"],
  ["accept:error", "accept_error"],
  ["close", "close"],
  ["close:error", "close_error"],
  ["disconnect", "disconnect"],
  ["handshake", "handshake"],
  ["handshake:error:protocol", "handshake_error_protocol"],
  ["handshake:error:auth", "handshake_error_auth"],
  ["handshake:error:other", "handshake_error_other"],
]

type Emit = (name: string, value: unknown, endpoint: string | undefined, error: Error | undefined) => void

/** Starts forwarding; returns the function that stops it. */
export function monitorEvents(events: SocketEvents, emit: Emit): () => void {
  const listeners = NAMES.map(([type, name]) => {
    const listener = (event: SocketEvent) => emit(name, valueOf(event), event.address, event.error)
    events.on(type, listener)
    return [type, listener] as const
  })
  return () => {
    for (const [type, listener] of listeners) events.off(type, listener)
  }
}

/** The 5.x event value: the retry interval, or the errno of an error event (0 without one). */
function valueOf(event: SocketEvent): number {
  if (event.interval !== undefined) return event.interval
  const errno = (event.error as { errno?: unknown } | undefined)?.errno
  return typeof errno === "number" ? errno : 0
}
