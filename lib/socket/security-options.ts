// Maps a socket's security options to the SecurityConfig its connections use, and injects the
// authenticator (this process's ZAP handler) for servers. Option knowledge lives here, on the
// socket floor; lib/security only runs mechanisms from a finished SecurityConfig.
import { zmqError } from "../errors.js"
import type { SecurityConfig } from "../security/mechanism.js"
import { keyPair, loadSodium, publicKeyOf } from "../security/nacl.js"
import { z85Decode } from "../security/z85.js"
import { askZapHandler, askZapHandlerIfBound } from "../session/zap-client.js"
import type { OptionValues } from "./options.js"

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
export function securityFromOptions(options: OptionValues): SecurityConfig {
  const domain = options.zapDomain === null || options.zapDomain === undefined ? "" : String(options.zapDomain)
  const secretKey = curveKey(options.curveSecretKey)
  // The first CURVE socket starts loading the faster NaCl library (lib/security/nacl.ts); the
  // first handshake waits for it.
  if (options.curveServer === true || options.curveServerKey) void loadSodium()
  if (options.curveServer === true) {
    if (!secretKey) return { mechanism: "INVALID", error: zmqError("EINVAL", "A CURVE server needs curveSecretKey") }
    return { mechanism: "CURVE", asServer: true, secretKey, publicKey: publicKeyOf(secretKey), domain, authenticate: askZapHandlerIfBound }
  }
  const serverKey = curveKey(options.curveServerKey)
  if (serverKey) {
    // A client without its own key pair gets a fresh one: it is then anonymous, which only a
    // ZAP handler that checks client keys would refuse.
    const own = secretKey ? { secretKey, publicKey: publicKeyOf(secretKey) } : keyPair()
    return { mechanism: "CURVE", asServer: false, ...own, serverKey }
  }
  if (options.plainServer === true) return { mechanism: "PLAIN", asServer: true, domain, authenticate: askZapHandler }
  if (typeof options.plainUsername === "string") {
    const password = typeof options.plainPassword === "string" ? options.plainPassword : ""
    return { mechanism: "PLAIN", asServer: false, username: Buffer.from(options.plainUsername), password: Buffer.from(password) }
  }
  return { mechanism: "NULL" }
}
