// Picks the mechanism a connection uses from the socket's security options.
import nacl from "tweetnacl"
import { zmqError } from "../errors.js"
import type { EngineOptions } from "../engine/engine-host.js"
import { CurveClient, CurveServer } from "./curve-mechanism.js"
import type { Mechanism, SecurityConfig } from "./mechanism.js"
import { NullMechanism, RefusingMechanism } from "./null-mechanism.js"
import { PlainClient, PlainServer } from "./plain-mechanism.js"
import { askZapHandler, askZapHandlerIfBound } from "./zap-client.js"
import { z85Decode } from "./z85.js"

export type { SecurityConfig } from "./mechanism.js"

export function createMechanism(options: EngineOptions): Mechanism {
  const security = options.security
  const request = () => ({ domain: "domain" in security ? security.domain : "", address: hostOf(options.address) })
  switch (security.mechanism) {
    case "NULL": return new NullMechanism(options.local)
    case "INVALID": return new RefusingMechanism(security.error)
    case "PLAIN":
      if (!security.asServer) return new PlainClient(options.local, security.username, security.password)
      return new PlainServer(options.local, security.authenticate, request())
    case "CURVE":
      if (!security.asServer) return new CurveClient(options.local, security, security.serverKey)
      return new CurveServer(options.local, security, security.authenticate, request())
  }
}

/** The IP address ZAP wants, from "tcp://1.2.3.4:5" or "tcp://[::1]:5" (ipc/inproc: empty). */
function hostOf(address: string): string {
  const match = /^tcp:\/\/\[?([^\]]*?)\]?:[0-9]+$/.exec(address)
  return match ? match[1]! : ""
}

/** A CURVE key option as 32 octets (Z85 text of 40 characters, or 32 octets). */
export function curveKey(value: unknown): Uint8Array | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === "string") return z85Decode(value)
  return value as Uint8Array
}

/**
 * The security the socket's options ask for: CURVE over PLAIN over NULL, server over client
 * (as libzmq picks). A configuration that cannot work is an EINVAL error, never a downgrade.
 */
export function securityFromOptions(options: Record<string, unknown>): SecurityConfig {
  const domain = options.zapDomain === null || options.zapDomain === undefined ? "" : String(options.zapDomain)
  const secretKey = curveKey(options.curveSecretKey)
  if (options.curveServer === true) {
    if (!secretKey) return { mechanism: "INVALID", error: zmqError("EINVAL", "A CURVE server needs curveSecretKey") }
    return { mechanism: "CURVE", asServer: true, secretKey, publicKey: nacl.scalarMult.base(secretKey), domain, authenticate: askZapHandlerIfBound }
  }
  const serverKey = curveKey(options.curveServerKey)
  if (serverKey) {
    // A client without its own key pair gets a fresh one: it is then anonymous, which only a
    // ZAP handler that checks client keys would refuse.
    const own = secretKey ? { secretKey, publicKey: nacl.scalarMult.base(secretKey) } : nacl.box.keyPair()
    return { mechanism: "CURVE", asServer: false, ...own, serverKey }
  }
  if (options.plainServer === true) return { mechanism: "PLAIN", asServer: true, domain, authenticate: askZapHandler }
  if (typeof options.plainUsername === "string") {
    const password = typeof options.plainPassword === "string" ? options.plainPassword : ""
    return { mechanism: "PLAIN", asServer: false, username: Buffer.from(options.plainUsername), password: Buffer.from(password) }
  }
  return { mechanism: "NULL" }
}
