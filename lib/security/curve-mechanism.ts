// CURVE (RFC 26, CurveZMQ): Curve25519 keys, boxes from NaCl (see nacl.ts for which library).
//   client                                         server
//   HELLO(C', box[0^64](C'->S))               ->
//                                             <-   WELCOME(box[S' + cookie](S->C'))
//   INITIATE(cookie, box[C + vouch + meta](C'->S'))  ->   (the ZAP handler checks C)
//                                             <-   READY(box[meta](S'->C'))
// C/S are long-term keys, C'/S' short-term ones made per connection; the vouch proves the
// client holds c. After READY, CurveSession boxes every frame.
import { zmqError } from "../errors.js"
import { encodeLocalMetadata, type LocalIdentity } from "../zmtp/ready.js"
import { encodeCommand, type Command } from "../zmtp/command.js"
import { COMMAND } from "../zmtp/constants.js"
import { CurveSession, shortNonce } from "./curve-session.js"
import * as nacl from "./nacl.js"
import type { Authenticator, HandshakeStep, Mechanism } from "./mechanism.js"
import { readyFrom, unexpected } from "./null-mechanism.js"
import { refusedByPeer } from "./plain-mechanism.js"
import { stepAfterZap } from "./zap-step.js"

const HELLO = "HELLO"
const WELCOME = "WELCOME"
const INITIATE = "INITIATE"

const HELLO_SIZE = 2 + 72 + 32 + 8 + 80
const COOKIE_SIZE = 16 + 80
const WELCOME_SIZE = 16 + 144
const VOUCH_SIZE = 16 + 80

function longNonce(prefix: string, random: Uint8Array): Uint8Array {
  const nonce = Buffer.alloc(24)
  nonce.write(prefix, 0, 8, "latin1")
  nonce.set(random, 8)
  return nonce
}

/**
 * Runs a handshake step once the faster NaCl library is loaded (see nacl.ts): only the first
 * handshake of a process waits, and only at a step after which the peer sends nothing until
 * we answer (client: WELCOME, server: HELLO), so no command arrives while it waits.
 */
function afterNaclLoaded(step: () => HandshakeStep): HandshakeStep {
  return nacl.sodiumSettled() ? step() : { kind: "pending", step: nacl.loadSodium().then(step) }
}

function cryptoFailure(what: string): HandshakeStep {
  return { kind: "fail", error: zmqError("ERR_ZMTP_CRYPTOGRAPHIC", what), auth: false }
}

function malformed(name: "HELLO" | "WELCOME" | "INITIATE" | "READY"): HandshakeStep {
  return { kind: "fail", error: zmqError(`ERR_ZMTP_MALFORMED_COMMAND_${name}`, `peer sent a malformed ${name}`), auth: false }
}

export interface CurveKeys {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export class CurveClient implements Mechanism {
  readonly name = "CURVE"
  readonly asServer = false
  session: CurveSession | undefined
  private readonly transient = nacl.keyPair()
  private expecting: typeof WELCOME | typeof COMMAND.READY = WELCOME
  private key: Uint8Array | undefined

  /** null: the server key is a small-order point, with which no box key exists. */
  private helloBoxKey: Uint8Array | null | undefined

  constructor(private readonly local: LocalIdentity, private readonly keys: CurveKeys, private readonly serverKey: Uint8Array) {}

  /** HELLO's signature box and WELCOME both go between C' and S: one scalar multiplication. */
  private helloKey(): Uint8Array | null {
    if (this.helloBoxKey === undefined) this.helloBoxKey = nacl.beforenm(this.serverKey, this.transient.secretKey)
    return this.helloBoxKey
  }

  start(): Buffer[] {
    const data = Buffer.alloc(HELLO_SIZE)
    data[0] = 1 // version 1.0
    data.set(this.transient.publicKey, 74)
    data.writeBigUInt64BE(1n, 106)
    // a small-order server key: sealed with a random key, no server opens it (and onWelcome fails)
    const key = this.helloKey() ?? nacl.randomBytes(32)
    data.set(nacl.boxAfter(new Uint8Array(64), shortNonce("CurveZMQHELLO---", 1n), key), 114)
    return [encodeCommand(HELLO, data)]
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name === COMMAND.ERROR) return refusedByPeer(command)
    if (command.name !== this.expecting) return unexpected(command, this.expecting)
    return this.expecting === WELCOME ? afterNaclLoaded(() => this.onWelcome(command.data)) : this.onReady(command.data)
  }

  private onWelcome(data: Buffer): HandshakeStep {
    if (data.length !== WELCOME_SIZE) return malformed("WELCOME")
    const helloKey = this.helloKey()
    if (!helloKey) return cryptoFailure("the server key is a small-order point")
    const opened = nacl.openAfter(data.subarray(16), longNonce("WELCOME-", data.subarray(0, 16)), helloKey)
    if (!opened) return cryptoFailure("WELCOME box did not open: wrong server key?")
    const serverTransient = opened.subarray(0, 32)
    const cookie = opened.subarray(32, 32 + COOKIE_SIZE)
    const key = nacl.beforenm(serverTransient, this.transient.secretKey)
    const vouchRandom = nacl.randomBytes(16)
    const vouch = nacl.box(
      Buffer.concat([this.transient.publicKey, this.serverKey]), longNonce("VOUCH---", vouchRandom), serverTransient, this.keys.secretKey,
    )
    if (!key || !vouch) return cryptoFailure("WELCOME carries a small-order short-term key")
    this.key = key
    const plain = Buffer.concat([this.keys.publicKey, vouchRandom, vouch, encodeLocalMetadata(this.local)])
    const box = nacl.boxAfter(plain, shortNonce("CurveZMQINITIATE", 2n), key)
    const nonce = Buffer.alloc(8)
    nonce.writeBigUInt64BE(2n)
    this.expecting = COMMAND.READY
    return { kind: "continue", send: [encodeCommand(INITIATE, Buffer.concat([cookie, nonce, box]))] }
  }

  private onReady(data: Buffer): HandshakeStep {
    if (data.length < 8 + 16) return malformed("READY")
    const counter = data.readBigUInt64BE(0)
    const metadata = nacl.openAfter(data.subarray(8), shortNonce("CurveZMQREADY---", counter), this.key!)
    if (!metadata) return cryptoFailure("READY box did not open")
    this.session = new CurveSession(this.key!, "CurveZMQMESSAGEC", "CurveZMQMESSAGES", { sent: 2n, received: counter })
    const ready = readyFrom(this.local, Buffer.from(metadata), [])
    if (ready.kind === "ready") ready.peer.curvePublicKey = Buffer.from(this.serverKey)
    return ready
  }
}

export class CurveServer implements Mechanism {
  readonly name = "CURVE"
  readonly asServer = true
  session: CurveSession | undefined
  private readonly transient = nacl.keyPair()
  private readonly cookieKey = nacl.randomBytes(32)
  private expecting: typeof HELLO | typeof INITIATE = HELLO
  private clientTransient: Uint8Array | undefined

  constructor(
    private readonly local: LocalIdentity,
    private readonly keys: CurveKeys,
    private readonly authenticate: Authenticator,
    private readonly request: { domain: string; address: string },
  ) {}

  start(): Buffer[] {
    return []
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name !== this.expecting) return unexpected(command, this.expecting)
    return this.expecting === HELLO ? afterNaclLoaded(() => this.onHello(command.data)) : this.onInitiate(command.data)
  }

  private onHello(data: Buffer): HandshakeStep {
    if (data.length !== HELLO_SIZE || data[0] !== 1) return malformed("HELLO")
    const clientTransient = data.subarray(74, 106)
    // HELLO's signature box and WELCOME both go between C' and S: one scalar multiplication.
    const helloKey = nacl.beforenm(clientTransient, this.keys.secretKey)
    if (!helloKey) return cryptoFailure("HELLO carries a small-order short-term key")
    const signature = nacl.openAfter(data.subarray(114), shortNonce("CurveZMQHELLO---", data.readBigUInt64BE(106)), helloKey)
    if (!signature || signature.some((octet) => octet !== 0)) return cryptoFailure("HELLO signature box did not open")
    this.clientTransient = Uint8Array.from(clientTransient)
    const cookieRandom = nacl.randomBytes(16)
    const cookie = Buffer.concat([
      cookieRandom,
      nacl.secretbox(Buffer.concat([clientTransient, this.transient.secretKey]), longNonce("COOKIE--", cookieRandom), this.cookieKey),
    ])
    const welcomeRandom = nacl.randomBytes(16)
    const box = nacl.boxAfter(Buffer.concat([this.transient.publicKey, cookie]), longNonce("WELCOME-", welcomeRandom), helloKey)
    this.expecting = INITIATE
    return { kind: "continue", send: [encodeCommand(WELCOME, Buffer.concat([welcomeRandom, box]))] }
  }

  private onInitiate(data: Buffer): HandshakeStep {
    if (data.length < COOKIE_SIZE + 8 + 16 + 32 + VOUCH_SIZE) return malformed("INITIATE")
    const cookie = nacl.secretboxOpen(data.subarray(16, COOKIE_SIZE), longNonce("COOKIE--", data.subarray(0, 16)), this.cookieKey)
    if (!cookie || !Buffer.from(cookie.subarray(0, 32)).equals(Buffer.from(this.clientTransient!))) {
      return cryptoFailure("INITIATE cookie is not ours")
    }
    const key = nacl.beforenm(this.clientTransient!, this.transient.secretKey)
    if (!key) return cryptoFailure("HELLO carried a small-order short-term key") // refused there already
    const counter = data.readBigUInt64BE(COOKIE_SIZE)
    const plain = nacl.openAfter(data.subarray(COOKIE_SIZE + 8), shortNonce("CurveZMQINITIATE", counter), key)
    if (!plain || plain.length < 32 + VOUCH_SIZE) return cryptoFailure("INITIATE box did not open")
    const clientKey = plain.subarray(0, 32)
    const vouch = nacl.boxOpen(plain.subarray(48, 32 + VOUCH_SIZE), longNonce("VOUCH---", plain.subarray(32, 48)), clientKey, this.transient.secretKey)
    const expected = Buffer.concat([this.clientTransient!, this.keys.publicKey])
    if (!vouch || !Buffer.from(vouch).equals(expected)) return cryptoFailure("INITIATE vouch does not match")
    const metadata = Buffer.from(plain.subarray(32 + VOUCH_SIZE))
    const readyBox = nacl.boxAfter(encodeLocalMetadata(this.local), shortNonce("CurveZMQREADY---", 1n), key)
    const readyData = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), readyBox])
    const ready = readyFrom(this.local, metadata, [encodeCommand(COMMAND.READY, readyData)])
    if (ready.kind !== "ready") return ready
    this.session = new CurveSession(key, "CurveZMQMESSAGES", "CurveZMQMESSAGEC", { sent: 1n, received: counter })
    return { kind: "pending", step: this.check(Buffer.from(clientKey), ready) }
  }

  private check(clientKey: Buffer, ready: HandshakeStep & { kind: "ready" }): Promise<HandshakeStep> {
    return stepAfterZap(this.authenticate, this.local, { ...this.request, mechanism: "CURVE", credentials: [clientKey] }, ready, (userId) => {
      ready.peer.userId = userId
      ready.peer.curvePublicKey = clientKey
    })
  }
}
