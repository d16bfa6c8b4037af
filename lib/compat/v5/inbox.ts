// The receive side of a 5.x socket: a loop that receives from the v6 socket and hands each
// message to the "message" listeners, started when the first listener is added. pause() holds
// messages back until resume(). Request/Reply take turns: they only receive when a reply (or
// the next request) is due, since receiving out of turn is an EFSM error in v6.
import { invoke } from "./callbacks.js"

export interface ReceiveSource {
  readonly closed: boolean
  receive(): Promise<Buffer[]>
}

export class Inbox {
  private running = false
  private started = false
  private paused = false
  private readonly held: Buffer[][] = []
  /** Receives allowed before the next send (Request/Reply); Infinity for the other types. */
  private turns: number

  constructor(
    private readonly source: ReceiveSource,
    private readonly deliver: (frames: Buffer[]) => void,
    private readonly failed: (error: Error) => void,
    turnTaking: "request" | "reply" | "none",
  ) {
    this.turns = turnTaking === "none" ? Infinity : turnTaking === "reply" ? 1 : 0
  }

  start(): void {
    this.started = true
    void this.pump()
  }

  /** A send went out: Request may now read its reply, Reply the next request. */
  sent(): void {
    if (this.turns !== Infinity) this.turns = 1
    void this.pump()
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    for (const frames of this.held.splice(0)) this.hand(frames)
    void this.pump()
  }

  /**
   * Each message goes to the listeners in a tick of its own, as the native binding did: an
   * exception a listener throws is an uncaught exception, and the next message still comes.
   */
  private hand(frames: Buffer[]): void {
    process.nextTick(() => {
      if (this.paused || this.held.length > 0) this.held.push(frames)
      else this.deliver(frames)
    })
  }

  private async pump(): Promise<void> {
    if (this.running || !this.started) return
    this.running = true
    let again = true
    try {
      while (!this.paused && this.turns > 0 && !this.source.closed) {
        this.turns--
        const frames = await this.source.receive()
        this.hand(frames)
      }
    } catch (error) {
      const code = (error as { code?: string }).code
      // A receive timeout (ZMQ_RCVTIMEO) just ends this wait; closing ends the loop quietly.
      if (code === "EAGAIN") this.turns++
      // Any other error is reported once; the loop goes on at the next send() or resume().
      else again = false
      if (!again && !this.source.closed) invoke(this.failed, error as Error)
    } finally {
      this.running = false
    }
    if (again && !this.source.closed && !this.paused && this.turns > 0) setImmediate(() => void this.pump())
  }
}
