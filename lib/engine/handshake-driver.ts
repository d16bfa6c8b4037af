// The handshake of one stream connection (RFC 37 "Greeting" and "Handshake"): our greeting and
// first commands, the peer's 64 greeting octets, then the mechanism's steps until READY, under
// the handshake timer. It ends with the peer's READY and the mechanism's data-phase session, or
// with a failure; it never touches the pipe and never throws.
import type { Socket as NetSocket } from "node:net"
import { zmqError, type ZmqError } from "../errors.js"
import { CLEAR_SESSION } from "../security/clear-session.js"
import { createMechanism } from "../security/index.js"
import type { HandshakeStep, Mechanism, MechanismSession, SecurityConfig } from "../security/mechanism.js"
import { parseCommand, parseLibzmqError } from "../zmtp/command.js"
import { GREETING_SIZE } from "../zmtp/constants.js"
import { after, type Cancel } from "../util/timers.js"
import { checkGreetingPrefix, effectiveMinor, encodeGreeting, parseGreeting } from "../zmtp/greeting.js"
import type { LocalIdentity, PeerReady } from "../zmtp/ready.js"

export interface HandshakeResult {
  peer: PeerReady
  /** ZMTP minor version rules that apply to the peer (0 for a 3.0 peer). */
  minor: number
  session: MechanismSession
}

export interface HandshakeHost {
  onHandshaken(result: HandshakeResult): void
  /** `reason` set: tell the peer why in an ERROR command before closing. */
  onHandshakeFailed(error: ZmqError, kind: "protocol" | "auth" | "timeout", reason?: string): void
}

export interface HandshakeOptions {
  security: SecurityConfig
  local: LocalIdentity
  /** Remote address (ZAP wants the peer's IP). */
  address: string
  /** ms; 0 = no limit. */
  handshakeInterval: number
}

export class HandshakeDriver {
  private readonly greeting = Buffer.alloc(GREETING_SIZE)
  private greetingHave = 0
  private minor = 1
  private readonly mechanism: Mechanism
  private timer: Cancel | undefined
  /** A step is being decided elsewhere (ZAP): no command may be taken meanwhile. */
  private stepPending = false
  private done = false

  constructor(private readonly stream: NetSocket, private readonly host: HandshakeHost, options: HandshakeOptions) {
    const interval = options.handshakeInterval
    if (interval > 0) {
      this.timer = after(interval, () => this.fail(zmqError("ETIMEDOUT", `no handshake within ${interval} ms`), "timeout"))
    }
    // Our first commands (NULL: READY; PLAIN client: HELLO) need nothing from the peer, so
    // they leave together with the greeting.
    this.mechanism = createMechanism(options.security, options.local, options.address)
    stream.write(Buffer.concat([encodeGreeting(this.mechanism.name, this.mechanism.asServer), ...this.mechanism.start()]))
    const setupError = this.mechanism.setupError
    if (setupError) setImmediate(() => this.fail(setupError, "protocol"))
  }

  /** Collects the peer's 64 greeting octets; returns what follows them once complete. */
  readGreeting(chunk: Buffer): Buffer | undefined {
    const take = Math.min(GREETING_SIZE - this.greetingHave, chunk.length)
    chunk.copy(this.greeting, this.greetingHave, 0, take)
    this.greetingHave += take
    const error = checkGreetingPrefix(this.greeting.subarray(0, this.greetingHave))
    if (error) return void this.fail(error, "protocol")
    if (this.greetingHave < GREETING_SIZE) return undefined
    const greeting = parseGreeting(this.greeting)
    if (greeting.mechanism !== this.mechanism.name) {
      const error = zmqError("ERR_ZMTP_MECHANISM_MISMATCH", `peer uses mechanism ${greeting.mechanism}, we use ${this.mechanism.name}`)
      return void this.fail(error, "protocol")
    }
    this.minor = effectiveMinor(greeting)
    return chunk.subarray(take)
  }

  /** A command frame's body received during the handshake. */
  onCommand(body: Buffer): void {
    const command = parseCommand(body) ?? parseLibzmqError(body)
    if (command === undefined || this.stepPending) {
      const what = command === undefined ? "a malformed command" : `${command.name} while the handshake waits`
      return this.fail(zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", `peer sent ${what}`), "protocol")
    }
    this.apply(this.mechanism.onCommand(command))
  }

  /** The connection ended first: no timer, no late step. */
  stop(): void {
    this.done = true
    this.timer?.()
  }

  private apply(step: HandshakeStep): void {
    if (this.done) return
    switch (step.kind) {
      case "continue":
        return this.write(step.send)
      case "pending":
        this.stepPending = true
        void step.step.then((next) => {
          this.stepPending = false
          this.apply(next)
        })
        return
      case "fail":
        return this.fail(step.error, step.auth ? "auth" : "protocol", step.reason)
      case "ready":
        this.write(step.send)
        this.stop()
        return this.host.onHandshaken({ peer: step.peer, minor: this.minor, session: this.mechanism.session ?? CLEAR_SESSION })
    }
  }

  private write(frames: Buffer[]): void {
    if (frames.length > 0) this.stream.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames))
  }

  private fail(error: ZmqError, kind: "protocol" | "auth" | "timeout", reason?: string): void {
    if (this.done) return
    this.stop()
    this.host.onHandshakeFailed(error, kind, reason)
  }
}
