// Picks the mechanism a connection uses from a finished SecurityConfig (built from the socket's
// options on the socket floor, authenticator included). Knows no engine and no socket.
import type { LocalIdentity } from "../zmtp/ready.js"
import { CurveClient, CurveServer } from "./curve-mechanism.js"
import type { Mechanism, SecurityConfig } from "./mechanism.js"
import { NullMechanism, RefusingMechanism } from "./null-mechanism.js"
import { PlainClient, PlainServer } from "./plain-mechanism.js"

export type { SecurityConfig } from "./mechanism.js"

/** The mechanism for one connection to or from `address` (the remote address, for ZAP). */
export function createMechanism(security: SecurityConfig, local: LocalIdentity, address: string): Mechanism {
  const request = () => ({ domain: "domain" in security ? security.domain : "", address: hostOf(address) })
  switch (security.mechanism) {
    case "NULL": return new NullMechanism(local)
    case "INVALID": return new RefusingMechanism(security.error)
    case "PLAIN":
      if (!security.asServer) return new PlainClient(local, security.username, security.password)
      return new PlainServer(local, security.authenticate, request())
    case "CURVE":
      if (!security.asServer) return new CurveClient(local, security, security.serverKey)
      return new CurveServer(local, security, security.authenticate, request())
  }
}

/** The IP address ZAP wants, from "tcp://1.2.3.4:5", "ws://1.2.3.4:5" or "tcp://[::1]:5" (ipc/inproc: empty). */
function hostOf(address: string): string {
  const match = /^(?:tcp|wss?):\/\/\[?([^\]]*?)\]?:[0-9]+$/.exec(address)
  return match ? match[1]! : ""
}
