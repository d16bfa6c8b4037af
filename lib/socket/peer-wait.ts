// waitForPeers(): resolves once N peers have completed the handshake, the slow-joiner fix. It
// listens to the socket's own "handshake"/"end" events, so it needs nothing else from the core.
import { zmqError } from "../errors.js"
import type { SocketEvents } from "../events.js"
import type { Pipe } from "../pipe/pipe.js"

/** Pipes with a live, handshaken connection (the socket's peerCount). */
export function connectedCount(pipes: Iterable<Pipe>): number {
  let count = 0
  for (const pipe of pipes) if (pipe.connected) count++
  return count
}

export interface PeerCounter {
  readonly peerCount: number
  readonly closed: boolean
  readonly events: SocketEvents
}

/** `hold(+1/-1)` keeps the process alive while waiting. */
export function waitForPeers(socket: PeerCounter, count: number, timeout: number | undefined, hold: (delta: number) => void): Promise<void> {
  if (socket.closed) return Promise.reject(zmqError("EBADF", "Socket is closed"))
  if (socket.peerCount >= count) return Promise.resolve()
  return new Promise((resolve, reject) => {
    // "handshake" is emitted after the pipe is connected, so peerCount already counts it.
    const check = () => {
      if (socket.peerCount < count) return
      cleanup()
      resolve()
    }
    const ended = () => {
      cleanup()
      reject(zmqError("EBADF", "Socket closed before enough peers connected"))
    }
    const timer = timeout !== undefined && timeout >= 0
      ? setTimeout(() => {
        cleanup()
        reject(zmqError("EAGAIN", `${socket.peerCount} of ${count} peers after ${timeout} ms`))
      }, timeout)
      : undefined
    const cleanup = () => {
      clearTimeout(timer)
      socket.events.unwatch("handshake", check)
      socket.events.unwatch("end", ended)
      hold(-1)
    }
    hold(+1)
    socket.events.watch("handshake", check)
    socket.events.watch("end", ended)
  })
}
