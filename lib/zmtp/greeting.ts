// The 64-octet ZMTP greeting (RFC 37 "Greeting"): encoding and incremental validation.
// We always send the full greeting at once (libzmq accepts it) and accept any version >= 3.0;
// ZMTP 1.0/2.0 peers are refused, as recommended in docs/wire-notes.md §2.
import { zmqError, type ZmqError } from "../errors.js"
import {
  AS_SERVER_OFFSET, GREETING_SIZE, MECHANISM_OFFSET, MECHANISM_SIZE, SIGNATURE_END,
  SIGNATURE_START, VERSION_MAJOR, VERSION_MINOR,
} from "./constants.js"

export interface Greeting {
  major: number
  minor: number
  mechanism: string
  asServer: boolean
}

export function encodeGreeting(mechanism = "NULL", asServer = false, minor = VERSION_MINOR): Buffer {
  const greeting = Buffer.alloc(GREETING_SIZE)
  greeting[0] = SIGNATURE_START
  greeting[9] = SIGNATURE_END
  greeting[10] = VERSION_MAJOR
  greeting[11] = minor
  greeting.write(mechanism, MECHANISM_OFFSET, MECHANISM_SIZE, "ascii")
  greeting[AS_SERVER_OFFSET] = asServer ? 1 : 0
  return greeting
}

/**
 * Checks the octets received so far (any length up to 64), so that garbage such as an HTTP
 * request is refused at its first octet instead of after a handshake timeout.
 */
export function checkGreetingPrefix(prefix: Buffer): ZmqError | undefined {
  if (prefix.length > 0 && prefix[0] !== SIGNATURE_START) {
    return zmqError("ERR_ZMTP_INVALID_GREETING", "peer did not send a ZMTP signature")
  }
  if (prefix.length > 9 && (prefix[9]! & 1) !== 1) {
    return zmqError("ERR_ZMTP_INVALID_GREETING", "peer speaks ZMTP 1.0, which is not supported")
  }
  if (prefix.length > 10 && prefix[10]! < VERSION_MAJOR) {
    return zmqError("ERR_ZMTP_INVALID_GREETING", `peer speaks ZMTP ${prefix[10]}.x; 3.0 or later is required`)
  }
  return undefined
}

/** Parses a complete 64-octet greeting whose prefix already passed checkGreetingPrefix. */
export function parseGreeting(greeting: Buffer): Greeting {
  const mechanismBytes = greeting.subarray(MECHANISM_OFFSET, MECHANISM_OFFSET + MECHANISM_SIZE)
  const end = mechanismBytes.indexOf(0)
  return {
    major: greeting[10]!,
    minor: greeting[11]!,
    mechanism: mechanismBytes.toString("ascii", 0, end === -1 ? MECHANISM_SIZE : end),
    asServer: greeting[AS_SERVER_OFFSET] === 1,
  }
}

/**
 * The minor version whose rules apply to a peer: libzmq treats any major above 3 as 3.1, and a
 * 3.0 peer gets subscriptions as 0x01/0x00 messages instead of SUBSCRIBE/CANCEL commands.
 */
export function effectiveMinor(greeting: Greeting): number {
  return greeting.major === VERSION_MAJOR ? Math.min(greeting.minor, VERSION_MINOR) : VERSION_MINOR
}
