// PLAIN (RFC 24): a username and password in clear text, checked by the server's ZAP handler.
//   client                          server
//   HELLO(username, password)  ->
//                              <-   WELCOME              (after ZAP said 200)
//   INITIATE(metadata)         ->
//                              <-   READY(metadata)
// Either side may send ERROR instead; a refused client gets ERROR with the ZAP status code.
import { zmqError } from "../errors.js"
import { encodeLocalMetadata, encodeLocalReady, type LocalIdentity } from "../zmtp/ready.js"
import { encodeCommand, type Command } from "../zmtp/command.js"
import { COMMAND } from "../zmtp/constants.js"
import { parseErrorReason } from "../zmtp/command.js"
import type { Authenticator, HandshakeStep, Mechanism } from "./mechanism.js"
import { readyFrom, unexpected } from "./null-mechanism.js"
import { stepAfterZap } from "./zap-step.js"

const HELLO = "HELLO"
const WELCOME = "WELCOME"
const INITIATE = "INITIATE"

/** Credentials travel in one octet of length each (RFC 24). */
export const MAX_CREDENTIAL_LENGTH = 255

export function encodeHello(username: Buffer, password: Buffer): Buffer {
  return encodeCommand(HELLO, Buffer.concat([Buffer.of(username.length), username, Buffer.of(password.length), password]))
}

/** [username, password], or undefined when the lengths do not add up. */
export function parseHello(data: Buffer): [Buffer, Buffer] | undefined {
  if (data.length < 2) return undefined
  const userEnd = 1 + data[0]!
  if (userEnd >= data.length) return undefined
  const passEnd = userEnd + 1 + data[userEnd]!
  if (passEnd !== data.length) return undefined
  return [data.subarray(1, userEnd), data.subarray(userEnd + 1, passEnd)]
}

/** INITIATE carries the same properties as READY. */
function encodeInitiate(local: LocalIdentity): Buffer {
  return encodeCommand(INITIATE, encodeLocalMetadata(local))
}

export function refusedByPeer(command: Command): HandshakeStep {
  const reason = parseErrorReason(command.data)
  const status = /^[345][0-9][0-9]/.test(reason) ? Number(reason.slice(0, 3)) : undefined
  const error = zmqError("EACCES", `server refused our credentials: ${reason}`, status === undefined ? undefined : { status })
  return { kind: "fail", error, auth: true }
}

export class PlainClient implements Mechanism {
  readonly name = "PLAIN"
  readonly asServer = false
  private expecting: typeof WELCOME | typeof COMMAND.READY = WELCOME

  constructor(private readonly local: LocalIdentity, private readonly username: Buffer, private readonly password: Buffer) {}

  start(): Buffer[] {
    return [encodeHello(this.username, this.password)]
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name === COMMAND.ERROR) return refusedByPeer(command)
    if (command.name !== this.expecting) return unexpected(command, this.expecting)
    if (this.expecting === WELCOME) {
      this.expecting = COMMAND.READY
      return { kind: "continue", send: [encodeInitiate(this.local)] }
    }
    return readyFrom(this.local, command.data, [])
  }
}

export class PlainServer implements Mechanism {
  readonly name = "PLAIN"
  readonly asServer = true
  private expecting: typeof HELLO | typeof INITIATE = HELLO
  private userId = ""

  constructor(
    private readonly local: LocalIdentity,
    private readonly authenticate: Authenticator,
    private readonly request: { domain: string; address: string },
  ) {}

  start(): Buffer[] {
    return []
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name !== this.expecting) return unexpected(command, this.expecting)
    if (this.expecting === INITIATE) {
      const ready = readyFrom(this.local, command.data, [encodeLocalReady(this.local)])
      if (ready.kind === "ready") ready.peer.userId = this.userId
      return ready
    }
    const credentials = parseHello(command.data)
    if (!credentials) {
      return { kind: "fail", error: zmqError("ERR_ZMTP_MALFORMED_COMMAND_HELLO", "peer sent a malformed HELLO"), auth: false }
    }
    this.expecting = INITIATE
    return { kind: "pending", step: this.check(credentials) }
  }

  private check(credentials: [Buffer, Buffer]): Promise<HandshakeStep> {
    const request = { ...this.request, mechanism: "PLAIN" as const, credentials: credentials.map((c) => Buffer.from(c)) }
    return stepAfterZap(this.authenticate, this.local, request, { kind: "continue", send: [encodeCommand(WELCOME)] }, (userId) => {
      this.userId = userId
    })
  }
}
