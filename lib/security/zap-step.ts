// The handshake step a server takes once its ZAP handler has answered (RFC 27): `allowed` on
// status 200, otherwise a refusal whose ERROR carries the status code, as libzmq sends it.
import { zmqError, type ZmqError } from "../errors.js"
import type { LocalIdentity } from "../zmtp/ready.js"
import type { Authenticator, HandshakeStep, ZapRequest } from "./mechanism.js"

export async function stepAfterZap(
  authenticate: Authenticator,
  local: LocalIdentity,
  request: Omit<ZapRequest, "identity">,
  allowed: HandshakeStep,
  /** Told the ZAP User-Id when the client is allowed (per-message metadata; README "Statistics"). */
  accepted?: (userId: string) => void,
): Promise<HandshakeStep> {
  try {
    // libzmq sends the server socket's own routing id as the identity.
    const verdict = await authenticate({ ...request, identity: local.routingId ?? Buffer.alloc(0) })
    if (verdict.statusCode === "200") {
      accepted?.(verdict.userId)
      return allowed
    }
    const status = Number(verdict.statusCode) || 400
    const error = zmqError("EACCES", `ZAP refused the client: ${verdict.statusCode} ${verdict.statusText}`, { status })
    return { kind: "fail", error, auth: true, reason: verdict.statusCode }
  } catch (caught) {
    const error = caught as ZmqError
    // A reply that breaks RFC 27 is a protocol error on our side (libzmq: EPROTO, no ERROR sent);
    // a handler that is missing or gone is an internal failure the client hears about as 500.
    if (error.code.startsWith("ERR_ZAP_")) return { kind: "fail", error, auth: false }
    return { kind: "fail", error, auth: true, reason: "500" }
  }
}
