// A promise with its settle functions outside (Promise.withResolvers is Node 22+; we support 20).

export interface Deferred { promise: Promise<void>; resolve(): void; reject(error: unknown): void }

export function deferred(): Deferred {
  const waiter = {} as Deferred
  waiter.promise = new Promise<void>((resolve, reject) => Object.assign(waiter, { resolve, reject }))
  waiter.promise.catch(() => undefined) // a holder may drop the promise: never an unhandled rejection
  return waiter
}
