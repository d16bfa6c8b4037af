// Awaiting socket events with a bound on time, for brokerless and zeromq.js sockets alike.
// Tests wait for events ("handshake", "disconnect"...), never sleep for them.

export type AnyEvent = { type: string; address?: string; error?: unknown; interval?: number; detail?: unknown }

/** Any socket with an `events` emitter: brokerless's SocketEvents or zeromq.js's Observer. */
export interface EventSource {
  events: object
}

interface Emitter {
  on(type: string, listener: (event: AnyEvent) => void): unknown
  off?(type: string, listener: (event: AnyEvent) => void): unknown
}

function emitterOf(socket: EventSource): Emitter {
  return socket.events as Emitter
}

/** Resolves with the next event of `type`; rejects after `ms`. */
export function nextEvent(socket: EventSource, type: string, ms = 5000): Promise<AnyEvent> {
  return new Promise((resolve, reject) => {
    const listener = (event: AnyEvent) => {
      clearTimeout(timer)
      emitterOf(socket).off?.(type, listener)
      resolve(event)
    }
    const timer = setTimeout(() => {
      emitterOf(socket).off?.(type, listener)
      reject(new Error(`no ${type} event within ${ms} ms`))
    }, ms)
    emitterOf(socket).on(type, listener)
  })
}

/** Resolves once `count` events of `type` were seen. */
export function events(socket: EventSource, type: string, count: number, ms = 5000): Promise<AnyEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: AnyEvent[] = []
    const listener = (event: AnyEvent) => {
      seen.push(event)
      if (seen.length < count) return
      clearTimeout(timer)
      emitterOf(socket).off?.(type, listener)
      resolve(seen)
    }
    const timer = setTimeout(() => {
      emitterOf(socket).off?.(type, listener)
      reject(new Error(`saw ${seen.length} of ${count} ${type} events within ${ms} ms`))
    }, ms)
    emitterOf(socket).on(type, listener)
  })
}

/** Rejects when `promise` takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
    }),
  ])
}

/**
 * Resolves once `condition()` holds, checking after each turn of the event loop; rejects after
 * `ms`. For state that has no event (e.g. "every peer's message has arrived").
 */
export function until(condition: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve()
      if (Date.now() > deadline) return reject(new Error(`${what} not met within ${ms} ms`))
      setTimeout(check, 2)
    }
    check()
  })
}
