// Gives accepted connections the same in-place reads as dialed ones. Node accepts `onread` only
// when it creates the socket itself for connect(); a server's sockets always read 64 KiB chunks
// that are then copied into each large frame, which made a bound receiver of 1 MiB messages
// about 20% slower than one that dials. Node builds every accepted socket from a libuv handle
// (`new Socket({ handle })`); we build that socket ourselves, with `onread`, from the same
// handle. `handle` and `_handle` are Node internals, so this is feature-checked: when they are
// missing (another runtime, a future Node), or when BROKERLESS_ACCEPTED_READS=events is set,
// the accepted socket is used as it is, with 'data' events.
import { Socket as NetSocket, type SocketConstructorOpts } from "node:net"
import type { ReadHook } from "./read-hook.js"

interface StreamHandle {
  useUserBuffer(buffer: Uint8Array): void
}

interface HandleOwner {
  _handle: Partial<StreamHandle> | null
}

/** Set BROKERLESS_ACCEPTED_READS=events to keep Node's own reads on accepted connections. */
export const ACCEPTED_READS_ENV = "BROKERLESS_ACCEPTED_READS"

/**
 * Re-creates an accepted socket (from a server with `pauseOnConnect`) so that it reads through
 * `reads`. Returns undefined when that is not possible; the caller then resumes `accepted`.
 */
export function readAcceptedInPlace(accepted: NetSocket, reads: ReadHook): NetSocket | undefined {
  if (process.env[ACCEPTED_READS_ENV] === "events") return undefined
  const owner = accepted as unknown as HandleOwner
  const handle = owner._handle
  if (!handle || typeof handle.useUserBuffer !== "function") return undefined
  const options = { handle, onread: reads.options() } as SocketConstructorOpts
  const stream = new NetSocket(options)
  // The old socket must never touch the handle again. Destroying it once the new one is closed
  // keeps the server's connection count (server.close() callbacks, getConnections()) right.
  owner._handle = null
  stream.once("close", () => accepted.destroy())
  return stream
}
