// The retry loop of Request.request() (Lazy Pirate, zguide chapter 4): one attempt = send, then
// wait for the reply, each bounded by `timeout`; an attempt that times out (EAGAIN) is abandoned
// and the next one starts. Knows nothing of sockets; the Request tags attempts so a late reply to
// an abandoned one is dropped.
import { zmqError, type ZmqError } from "../errors.js"

export interface LazyPirateOptions {
  /** ms to wait for the reply (and for room to send) per attempt. Default 2500. */
  timeout?: number
  /** Re-sends after the first attempt before rejecting with EAGAIN. Default 3. */
  retries?: number
}

/** Runs `attempt(timeout)` until it resolves; EAGAIN retries, anything else (or a close) rejects. */
export async function lazyPirate<T>(attempt: (timeout: number) => Promise<T>, options: LazyPirateOptions, closed: () => boolean): Promise<T> {
  const { timeout = 2500, retries = 3 } = options
  if (!Number.isInteger(timeout) || timeout < 1 || !Number.isInteger(retries) || retries < 0) {
    throw zmqError("EINVAL", "request(): timeout must be an integer >= 1 and retries an integer >= 0")
  }
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(timeout)
    } catch (error) {
      if ((error as ZmqError).code !== "EAGAIN" || closed()) throw error
      if (tries >= retries) throw zmqError("EAGAIN", `Request: no reply after ${tries + 1} attempts of ${timeout} ms`)
    }
  }
}
