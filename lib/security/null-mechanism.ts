// NULL (RFC 37 "The NULL Security Mechanism"): both sides send READY with their metadata at
// once; the handshake is complete when the peer's READY names a compatible socket type.
import { zmqError, type ZmqError } from "../errors.js"
import { checkPeerReady, encodeLocalReady, type LocalIdentity } from "../zmtp/ready.js"
import type { Command } from "../zmtp/command.js"
import { COMMAND } from "../zmtp/constants.js"
import { parseErrorReason } from "../zmtp/command.js"
import type { HandshakeStep, Mechanism } from "./mechanism.js"

export class NullMechanism implements Mechanism {
  readonly name = "NULL"
  readonly asServer = false

  constructor(private readonly local: LocalIdentity) {}

  start(): Buffer[] {
    return [encodeLocalReady(this.local)]
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name !== COMMAND.READY) return unexpected(command, "READY")
    return readyFrom(this.local, command.data, [])
  }
}

/** Stands in for a configuration that cannot work: the engine ends the connection at once. */
export class RefusingMechanism implements Mechanism {
  readonly name = "NULL"
  readonly asServer = false

  constructor(readonly setupError: ZmqError) {}

  start(): Buffer[] {
    return []
  }

  onCommand(): HandshakeStep {
    return { kind: "fail", error: this.setupError, auth: false }
  }
}

/** The step for a peer's metadata (READY or INITIATE): ready, or a refusal with its reason. */
export function readyFrom(local: LocalIdentity, metadata: Buffer, send: Buffer[]): HandshakeStep {
  const peer = checkPeerReady(local.socketType, metadata)
  if (!(peer instanceof Error)) return { kind: "ready", peer, send }
  // RFC 37: tell an incompatible peer why with ERROR (libzmq just hangs up; both interoperate).
  const explain = peer.code === "ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE"
  return { kind: "fail", error: peer, auth: false, reason: explain ? peer.detail ?? peer.message : undefined }
}

/** The step for a command that has no place here (an ERROR from the peer included). */
export function unexpected(command: Command, expected: string): HandshakeStep {
  if (command.name === COMMAND.ERROR) {
    const reason = parseErrorReason(command.data)
    return { kind: "fail", error: zmqError("ERR_ZMTP_PEER_ERROR", `peer refused the handshake: ${reason}`), auth: false }
  }
  return { kind: "fail", error: zmqError("ERR_ZMTP_UNEXPECTED_COMMAND", `expected ${expected}, got ${command.name}`), auth: false }
}
