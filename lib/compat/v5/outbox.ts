// The send side of a 5.x socket: send() returns at once and queues; messages go to the v6
// socket in order. While it has room they are handed over immediately, one after the other (so
// `send(a); send(b); close()` delivers both within linger); when it has none, one send waits
// there and the rest wait here.
import { invoke } from "./callbacks.js"

export type Callback = (error?: Error) => void

export interface SendTarget {
  readonly closed: boolean
  readonly writable: boolean
  send(frames: unknown[]): Promise<void>
}

interface Outgoing {
  readonly frames: unknown[]
  readonly callback: Callback | undefined
}

export class Outbox {
  private readonly queue: Outgoing[] = []
  private waiting = false
  private paused = false
  /** Request only: a request is out and its reply has not come (sending again would be EFSM). */
  private awaitingReply = false

  /**
   * `sent` runs right after a message is handed to the v6 socket (Request/Reply turn-taking);
   * `failed` gets errors of sends that had no callback.
   */
  constructor(
    private readonly target: SendTarget,
    private readonly sent: () => void,
    private readonly failed: (error: Error) => void,
    private readonly isRequest = false,
  ) {}

  /** Request only: the reply came, so the next queued request may go (a 5.x burst queues here). */
  replied(): void {
    this.awaitingReply = false
    this.flush()
  }

  push(frames: unknown[], callback: Callback | undefined): void {
    this.queue.push({ frames, callback })
    this.flush()
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.flush()
  }

  /** The socket closed: what never reached it fails its callback (messages without one are dropped). */
  close(): void {
    const error = Object.assign(new Error("Socket is closed"), { code: "EBADF" })
    for (const { callback } of this.queue.splice(0)) if (callback) invoke(callback, error)
  }

  private flush(): void {
    while (!this.waiting && !this.paused && !this.awaitingReply && !this.target.closed) {
      const next = this.queue.shift()
      if (next === undefined) return
      const hasRoom = this.target.writable
      const sending = sendNow(this.target, next.frames)
      this.awaitingReply = this.isRequest
      this.sent()
      if (hasRoom) {
        sending.then(() => this.settle(next), (error: Error) => this.settle(next, error))
        continue
      }
      this.waiting = true
      sending.then(() => this.settle(next), (error: Error) => this.settle(next, error)).finally(() => {
        this.waiting = false
        this.flush()
      })
    }
  }

  private settle({ callback }: Outgoing, error?: Error): void {
    if (callback) return error ? invoke(callback, error) : invoke(callback)
    if (error) this.failed(error)
  }
}

/** The v6 send as a promise, also when it throws at once (EBUSY, a bad message). */
function sendNow(target: SendTarget, frames: unknown[]): Promise<void> {
  try {
    return target.send(frames)
  } catch (error) {
    return Promise.reject(error)
  }
}
