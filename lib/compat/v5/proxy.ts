// zmq.proxy() of the 5.x API: forwards messages between two compat sockets in both directions,
// with an optional capture socket that gets a copy of what comes back from the backend.
import { Socket, type MessagePart } from "./socket.js"

/** frontend/backend type pairs the 5.x proxy supports; the value says how many envelope frames capture skips. */
const PAIRS: Record<string, number> = {
  "push/pull": 0,
  "pull/push": 0,
  "xpub/xsub": 0,
  "router/dealer": 2,
  "xrep/xreq": 2,
}

export function proxy(frontend: Socket, backend: Socket, capture?: Socket): void {
  const skip = PAIRS[`${frontend.type}/${backend.type}`]
  if (skip === undefined) throw new Error("wrong socket order to proxy")
  frontend.on("message", (...frames: MessagePart[]) => void backend.send(frames))
  backend.on("message", (...frames: MessagePart[]) => {
    frontend.send(frames)
    // A router/dealer capture sees the reply without the routing id and empty delimiter.
    capture?.send(frames.slice(skip))
  })
}
