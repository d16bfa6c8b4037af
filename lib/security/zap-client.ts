// ZAP (RFC 27) client: asks the process's ZAP handler, a socket bound at
// inproc://zeromq.zap.01 as in libzmq and zeromq.js, whether a client's credentials are good.
// One Dealer per process carries the requests; it only waits for replies while some are
// pending, so an idle process can still exit.
import { zmqError } from "../errors.js"
import { lookupInproc } from "../transport/inproc.js"
import type { Authenticator, ZapRequest, ZapVerdict } from "./mechanism.js"

const ZAP_NAME = "zeromq.zap.01"
const VERSION = "1.0"
/** A handler that never answers: the request is dropped (the handshake timer ends the client). */
const REQUEST_TIMEOUT_MS = 60_000
/** How often a waiting receive wakes up to see whether anything is still pending. */
const POLL_MS = 1000

interface ZapDealer {
  send(frames: Array<Buffer | string>): Promise<void>
  receive(): Promise<Buffer[]>
}

let shared: ZapClient | undefined

/** The authenticator PLAIN servers use: the ZAP handler of this process decides. */
export const askZapHandler: Authenticator = (request) => (shared ??= new ZapClient()).ask(request)

/**
 * The authenticator CURVE servers use: the ZAP handler decides when there is one; without one
 * every client that completes the handshake (it knows the server's public key) is let in, as
 * libzmq does.
 */
export const askZapHandlerIfBound: Authenticator = (request) =>
  lookupInproc(ZAP_NAME) ? askZapHandler(request) : Promise.resolve({ statusCode: "200", statusText: "no ZAP handler", userId: "" })

class ZapClient {
  private dealer: Promise<ZapDealer> | undefined
  private readonly pending = new Map<string, (verdict: ZapVerdict) => void>()
  private nextId = 1
  private pumping = false

  async ask(request: ZapRequest): Promise<ZapVerdict> {
    if (!lookupInproc(ZAP_NAME)) {
      throw zmqError("EACCES", `a PLAIN server needs a ZAP handler: bind a Router to inproc://${ZAP_NAME} (RFC 27)`, { status: 500 })
    }
    const dealer = await this.socket()
    const id = String(this.nextId++)
    const verdict = new Promise<ZapVerdict>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(zmqError("ETIMEDOUT", `the ZAP handler did not answer within ${REQUEST_TIMEOUT_MS} ms`, { status: 500 }))
      }, REQUEST_TIMEOUT_MS).unref()
      this.pending.set(id, (answer) => { clearTimeout(timer); resolve(answer) })
    })
    await dealer.send(["", VERSION, id, request.domain, request.address, request.identity, request.mechanism, ...request.credentials])
    void this.pump(dealer)
    return verdict
  }

  /** Dealer imported on first use: socket classes sit above the engine that calls this. */
  private socket(): Promise<ZapDealer> {
    this.dealer ??= import("../socket/dealer.js").then(({ Dealer }) => {
      const dealer = new Dealer({ linger: 0, receiveTimeout: POLL_MS })
      dealer.connect(`inproc://${ZAP_NAME}`)
      return dealer as unknown as ZapDealer
    })
    return this.dealer
  }

  private async pump(dealer: ZapDealer): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.pending.size > 0) {
        const reply = await dealer.receive().catch(() => undefined) // EAGAIN: look again
        if (reply) this.settle(reply)
      }
    } finally {
      this.pumping = false
    }
  }

  /** A reply: ["", "1.0", request id, status code, status text, user id, metadata]. */
  private settle(frames: Buffer[]): void {
    if (frames.length < 6 || frames[0]!.length !== 0 || String(frames[1]) !== VERSION) return // malformed
    const resolve = this.pending.get(String(frames[2]))
    if (!resolve) return
    this.pending.delete(String(frames[2]))
    resolve({ statusCode: String(frames[3]), statusText: String(frames[4]), userId: String(frames[5]) })
  }
}
