// ZAP (RFC 27) client: asks the process's ZAP handler, a socket bound at
// inproc://zeromq.zap.01 as in libzmq and zeromq.js, whether a client's credentials are good.
// As libzmq's session does (session_base_t::zap_connect), it holds one raw inproc pipe to the
// handler and is that pipe's owner: requests are written into the pipe, replies settle pending
// requests from onPipeReadable. No socket of our own, no polling; an idle process can exit.
import { zmqError } from "../errors.js"
import { linkToAcceptor, lookupInproc } from "../engine/inproc-engine.js"
import { Pipe, type Message, type PipeOwner } from "../pipe/pipe.js"
import type { Authenticator, ZapRequest, ZapVerdict } from "../security/mechanism.js"
import { isCompatible } from "../zmtp/compat.js"
import type { LocalIdentity } from "../zmtp/ready.js"

const ZAP_NAME = "zeromq.zap.01"
/** Where a process's ZAP handler binds (RFC 27); a handler is a Router bound here. */
export const ZAP_ADDRESS = `inproc://${ZAP_NAME}`
const VERSION = "1.0"
/** A handler that never answers: the request is dropped (the handshake timer ends the client). */
const REQUEST_TIMEOUT_MS = 60_000
/** The handler sees us as a DEALER peer (libzmq's session talks to it the same way). */
const LOCAL: LocalIdentity = { socketType: "DEALER" }

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

interface PendingRequest {
  resolve(verdict: ZapVerdict): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

class ZapClient implements PipeOwner {
  /** The link to the handler; undefined until the first request and after the handler went away. */
  private pipe: Pipe | undefined
  private readonly pending = new Map<string, PendingRequest>()
  private nextId = 1

  ask(request: ZapRequest): Promise<ZapVerdict> {
    let pipe: Pipe
    try {
      pipe = this.link()
    } catch (error) {
      return Promise.reject(error)
    }
    const id = String(this.nextId++)
    const verdict = new Promise<ZapVerdict>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(zmqError("ETIMEDOUT", `the ZAP handler did not answer within ${REQUEST_TIMEOUT_MS} ms`, { status: 500 }))
      }, REQUEST_TIMEOUT_MS).unref()
      this.pending.set(id, { resolve, reject, timer })
    })
    // The handler's pipe has no send limit here (HWM 0): a request is never refused for room.
    pipe.write([
      Buffer.alloc(0), Buffer.from(VERSION), Buffer.from(id), Buffer.from(request.domain), Buffer.from(request.address),
      request.identity, Buffer.from(request.mechanism), ...request.credentials,
    ])
    return verdict
  }

  /** The pipe to the bound handler, linked on first use and again after the handler rebinds. */
  private link(): Pipe {
    if (this.pipe) return this.pipe
    const acceptor = lookupInproc(ZAP_NAME)
    if (!acceptor) {
      throw zmqError("EACCES", `a PLAIN server needs a ZAP handler: bind a Router to ${ZAP_ADDRESS} (RFC 27)`, { status: 500 })
    }
    if (!isCompatible(LOCAL.socketType, acceptor.local.socketType)) {
      throw zmqError("EACCES", `the ZAP handler at ${ZAP_ADDRESS} is a ${acceptor.local.socketType}, not a ROUTER`, { status: 500 })
    }
    const pipe = new Pipe(this, 0, 0, ZAP_ADDRESS)
    const linked = linkToAcceptor(acceptor, {
      pipe, local: LOCAL, address: ZAP_ADDRESS, receivesSubscriptions: false, onClosed: () => this.unlinked(pipe),
    })
    if (!linked) throw zmqError("EACCES", `the ZAP handler at ${ZAP_ADDRESS} refused the connection`, { status: 500 })
    this.pipe = pipe
    return pipe
  }

  /** The handler closed or unbound: what it had not answered fails now, not after the timeout. */
  private unlinked(pipe: Pipe): void {
    if (this.pipe !== pipe) return
    this.pipe = undefined
    pipe.terminate()
    const gone = zmqError("ECONNRESET", "the ZAP handler went away before answering", { status: 500 })
    for (const request of this.pending.values()) {
      clearTimeout(request.timer)
      request.reject(gone)
    }
    this.pending.clear()
  }

  onPipeReadable(pipe: Pipe): void {
    for (let reply = pipe.read(); reply !== undefined; reply = pipe.read()) this.settle(reply)
  }

  onPipeWritable(): void {}
  onPipeDrained(): void {}
  onPipeCommand(): void {}

  /**
   * A reply: ["", "1.0", request id, status code, status text, user id, metadata]. One that
   * breaks RFC 27 fails its request with the ERR_ZAP_* code libzmq's zap_client_t gives it, in
   * libzmq's order of checks; the handshake then ends as a protocol error. Metadata may be left
   * out (six frames, as older handlers send). A reply with an unknown request id is laid to the
   * oldest pending request: handlers answer in order, and libzmq (one request at a time per
   * connection) fails that connection too.
   */
  private settle(frames: Message): void {
    const [, version, id = "", status = "", text = "", user = ""] = frames.map(String)
    const known = this.pending.has(id)
    const key = known ? id : this.pending.keys().next().value
    const request = key === undefined ? undefined : this.pending.get(key)
    if (key === undefined || request === undefined) return
    this.pending.delete(key)
    clearTimeout(request.timer)
    const fault = frames.length < 6 || frames.length > 7 || frames[0]!.length > 0 ? "MALFORMED_REPLY"
      : version !== VERSION ? "BAD_VERSION"
      : !known ? "BAD_REQUEST_ID"
      : /^[2-5]00$/.test(status) ? "" : "INVALID_STATUS_CODE"
    if (fault) request.reject(zmqError(`ERR_ZAP_${fault}`, `ZAP handler reply: ${frames.map(String).join("|").slice(0, 200)}`))
    else request.resolve({ statusCode: status, statusText: text, userId: user })
  }
}
