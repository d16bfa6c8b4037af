// Picks the mechanism a connection uses from the socket's security configuration.
import type { EngineOptions } from "../engine/stream-engine.js"
import type { Mechanism, SecurityConfig } from "./mechanism.js"
import { NullMechanism } from "./null-mechanism.js"
import { PlainClient, PlainServer } from "./plain-mechanism.js"
import { askZapHandler } from "./zap-client.js"

export type { SecurityConfig } from "./mechanism.js"

export function createMechanism(options: EngineOptions): Mechanism {
  const security = options.security
  if (security.mechanism === "NULL") return new NullMechanism(options.local)
  if (!security.asServer) return new PlainClient(options.local, security.username, security.password)
  return new PlainServer(options.local, security.authenticate, { domain: security.domain, address: hostOf(options.address) })
}

/** The IP address ZAP wants, from "tcp://1.2.3.4:5" or "tcp://[::1]:5" (ipc/inproc: empty). */
function hostOf(address: string): string {
  const match = /^tcp:\/\/\[?([^\]]*?)\]?:[0-9]+$/.exec(address)
  return match ? match[1]! : ""
}

/** The security a socket's options ask for (PLAIN server wins over PLAIN client, as in libzmq). */
export function securityFromOptions(options: Record<string, unknown>): SecurityConfig {
  if (options.plainServer === true) {
    const domain = options.zapDomain
    return { mechanism: "PLAIN", asServer: true, domain: domain === null || domain === undefined ? "" : String(domain), authenticate: askZapHandler }
  }
  if (typeof options.plainUsername === "string") {
    const password = typeof options.plainPassword === "string" ? options.plainPassword : ""
    return { mechanism: "PLAIN", asServer: false, username: Buffer.from(options.plainUsername), password: Buffer.from(password) }
  }
  return { mechanism: "NULL" }
}
