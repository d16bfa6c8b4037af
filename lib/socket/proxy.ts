// A forwarder between two sockets (libzmq zmq_proxy without capture/control): messages from the
// frontend go out of the backend and the backend's messages go back out of the frontend. With
// an XSubscriber frontend and an XPublisher backend this is the pub/sub proxy: data flows
// downstream and subscriptions upstream. Back-pressure carries through: each side waits on the
// other's send().

/** A socket that can both receive and send whole messages (XSubscriber, XPublisher, Router...). */
export interface ProxySide {
  receive(): Promise<Buffer[]>
  send(message: Buffer[]): Promise<void>
  readonly closed: boolean
}

/**
 * Forwards in both directions until both sockets are closed; rejects on the first error that is
 * not caused by a close (e.g. EBUSY when something else receives on one of the sockets).
 *
 *     const frontend = new XSubscriber(); frontend.connect(upstream)
 *     const backend = new XPublisher(); await backend.bind(downstream)
 *     void proxy(frontend, backend)   // ends once both are closed
 */
export async function proxy(frontend: ProxySide, backend: ProxySide): Promise<void> {
  await Promise.all([forward(frontend, backend), forward(backend, frontend)])
}

async function forward(from: ProxySide, to: ProxySide): Promise<void> {
  for (;;) {
    let message: Buffer[]
    try {
      message = await from.receive()
    } catch (error) {
      if (from.closed) return
      throw error
    }
    try {
      await to.send(message)
    } catch (error) {
      // The other side is gone: keep draining this one until it closes too.
      if (!to.closed) throw error
    }
  }
}
