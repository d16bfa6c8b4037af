// The per-pipe extension hook a protocol extension (reliable delivery) plugs into a socket
// with. It lives next to PipeTransform, not in the socket class it plugs into, so extensions
// stand on the pipe floor and never import a socket.
import type { PropertyList } from "../zmtp/metadata.js"
import type { Pipe } from "./pipe.js"

/**
 * A protocol extension riding on a socket (e.g. reliable delivery): it sees the pipe life cycle
 * and the command frames the engine does not know, and adds READY properties. Every hook runs
 * after the socket type's own x* hook; none may throw.
 */
export interface SocketExtension {
  /** Extra READY properties (X- names). */
  readonly properties: PropertyList
  attached?(pipe: Pipe): void
  /** The pipe got a handshaken connection; false refuses it (the connection is closed). */
  connected?(pipe: Pipe): boolean
  disconnected?(pipe: Pipe): void
  detached?(pipe: Pipe): void
  /** Runs before a parked send is retried. */
  writable?(pipe: Pipe): void
  command?(pipe: Pipe, name: string, data: Buffer): void
  closing?(): void
}

/**
 * One extension made of several (e.g. reliable delivery's sending and receiving roles): READY
 * properties concatenated, each hook run on each part in order; connected() refuses when any
 * part refuses. Undefined parts are skipped; undefined when none is left.
 */
export function combineExtensions(...parts: (SocketExtension | undefined)[]): SocketExtension | undefined {
  const list = parts.filter((part): part is SocketExtension => part !== undefined)
  if (list.length <= 1) return list[0]
  return {
    properties: list.flatMap((part) => part.properties),
    attached: (pipe) => { for (const part of list) part.attached?.(pipe) },
    connected: (pipe) => list.every((part) => part.connected?.(pipe) !== false),
    disconnected: (pipe) => { for (const part of list) part.disconnected?.(pipe) },
    detached: (pipe) => { for (const part of list) part.detached?.(pipe) },
    writable: (pipe) => { for (const part of list) part.writable?.(pipe) },
    command: (pipe, name, data) => { for (const part of list) part.command?.(pipe, name, data) },
    closing: () => { for (const part of list) part.closing?.() },
  }
}
