// The one parked send and the one parked receive a socket may have (zeromq.js semantics): a
// second caller while one waits gets EBUSY; a timeout rejects with EAGAIN; close() cancels.
import { zmqError, type ZmqError } from "../errors.js"
import { after, type Cancel } from "../util/timers.js"

export class Parked<T, P = undefined> {
  private resolveFn: ((value: T) => void) | undefined
  private rejectFn: ((error: ZmqError) => void) | undefined
  private timer: Cancel | undefined
  /** What the parked call carries (the frames of a parked send). */
  payload: P | undefined

  /** @param onSettle runs after the call resolves, rejects or times out. */
  constructor(private readonly onSettle: () => void) {}

  get waiting(): boolean {
    return this.resolveFn !== undefined
  }

  /** Parks a call; `timeout` < 0 waits forever. */
  park(payload: P | undefined, timeout: number, what: string): Promise<T> {
    this.payload = payload
    return new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve
      this.rejectFn = reject
      if (timeout > 0) {
        // held: a pending call with a timeout keeps the process alive until it settles
        this.timer = after(timeout, () => this.reject(zmqError("EAGAIN", `${what} timed out after ${timeout} ms`)), true)
      }
    })
  }

  resolve(value: T): void {
    const resolve = this.resolveFn
    this.clear()
    resolve?.(value)
  }

  reject(error: ZmqError): void {
    const reject = this.rejectFn
    this.clear()
    reject?.(error)
  }

  private clear(): void {
    this.timer?.()
    this.timer = undefined
    this.resolveFn = undefined
    this.rejectFn = undefined
    this.payload = undefined
    this.onSettle()
  }
}
