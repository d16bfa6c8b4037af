// The one error type of the library and the factory that builds every instance of it.
// Codes are libzmq errno names (README "Errors"); protocol faults use zeromq.js ERR_ZMTP_* /
// ERR_ZAP_* codes and reach the application only through events, never through a rejected call.
//
// Messages are the texts zeromq.js gives for the same code (libzmq's, with zeromq.js's
// clarifications), so code that compares `err.message` ports unchanged; what we know beyond
// that (which option, which endpoint, why) is kept in `detail`.

export type ErrorCode =
  | "EAGAIN" | "EBUSY" | "EBADF" | "EFSM" | "EHOSTUNREACH" | "EINVAL" | "EPROTONOSUPPORT"
  | "ENOCOMPATPROTO" | "EADDRINUSE" | "EADDRNOTAVAIL" | "ENOENT" | "EMSGSIZE" | "ENOTSUP"
  | "EPROTO" | "ECONNREFUSED" | "ECONNRESET" | "ETIMEDOUT" | "EACCES" | "EMFILE"
  | "ELOCKED" | "EIO" | "ERR_JOURNAL_CORRUPT" // reliable journal (lib/reliable/file-journal.ts)

export type ProtocolErrorCode =
  | "ERR_ZMTP_UNSPECIFIED"
  | "ERR_ZMTP_UNEXPECTED_COMMAND"
  | "ERR_ZMTP_INVALID_SEQUENCE"
  | "ERR_ZMTP_KEY_EXCHANGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"
  | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_HELLO"
  | "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"
  | "ERR_ZMTP_MALFORMED_COMMAND_ERROR"
  | "ERR_ZMTP_MALFORMED_COMMAND_READY"
  | "ERR_ZMTP_MALFORMED_COMMAND_WELCOME"
  | "ERR_ZMTP_INVALID_METADATA"
  | "ERR_ZMTP_CRYPTOGRAPHIC"
  | "ERR_ZMTP_MECHANISM_MISMATCH"
  | "ERR_ZMTP_INVALID_GREETING"
  | "ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE"
  | "ERR_ZMTP_MESSAGE_TOO_LARGE"
  | "ERR_ZMTP_HANDSHAKE_TIMEOUT"
  | "ERR_ZMTP_PEER_ERROR"
  | "ERR_ZAP_UNSPECIFIED"
  | "ERR_ZAP_MALFORMED_REPLY"
  | "ERR_ZAP_BAD_REQUEST_ID"
  | "ERR_ZAP_BAD_VERSION"
  | "ERR_ZAP_INVALID_STATUS_CODE"
  | "ERR_ZAP_INVALID_METADATA"

export type AnyErrorCode = ErrorCode | ProtocolErrorCode

export interface ZmqErrorOptions {
  address?: string
  cause?: unknown
  status?: number
}

// libzmq's own error numbers start at ZMQ_HAUSNUMERO (zmq.h) and are the same on every platform.
const HAUSNUMERO = 156384712

/**
 * errno and the zeromq.js message per code. Numbers are Linux's; on other platforms Node's own
 * table (os.constants.errno) replaces them below. A message of undefined: the call site's text is
 * the message (EBUSY, where zeromq.js says which operation is busy).
 */
const ERRNO: Readonly<Record<string, readonly [number, string | undefined]>> = {
  EAGAIN: [11, "Operation was not possible or timed out"],
  EBUSY: [16, undefined],
  EBADF: [9, "Socket is closed"],
  EFSM: [HAUSNUMERO + 51, "Operation cannot be accomplished in current state"],
  ENOCOMPATPROTO: [HAUSNUMERO + 52, "The protocol is not compatible with the socket type"],
  EHOSTUNREACH: [113, "Host unreachable"],
  EINVAL: [22, "Invalid argument"],
  EPROTONOSUPPORT: [93, "Protocol not supported"],
  EADDRINUSE: [98, "Address already in use"],
  EADDRNOTAVAIL: [99, "Cannot assign requested address"],
  ENOENT: [2, "No such endpoint"],
  EMSGSIZE: [90, "Message too long"],
  ENOTSUP: [95, "Operation not supported"],
  EPROTO: [71, "Protocol error"],
  ECONNREFUSED: [111, "Connection refused"],
  ECONNRESET: [104, "Connection reset by peer"],
  ETIMEDOUT: [110, "Connection timed out"],
  EACCES: [13, "Permission denied"],
  EMFILE: [24, "Too many open file descriptors"],
  EIO: [5, "Input/output error"],
}

/** The platform's errno numbers when Node can tell (no import: errors.ts also runs in browsers). */
const platformErrno = ((): Readonly<Record<string, number>> | undefined => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const os = proc?.getBuiltinModule?.("node:os") as { constants?: { errno?: Record<string, number> } } | undefined
  return os?.constants?.errno
})()

/** zeromq.js's texts for the ZAP status codes an authentication failure carries. */
const AUTH_MESSAGES: Readonly<Record<number, string>> = {
  300: "Temporary error",
  400: "Authentication failure",
  500: "Internal error",
}

/** The errno zeromq.js reports for a code, if the code is an errno name. */
export function errnoOf(code: string): number | undefined {
  const entry = ERRNO[code]
  if (entry === undefined) return undefined
  return entry[0] >= HAUSNUMERO ? entry[0] : platformErrno?.[code] ?? entry[0]
}

function standardMessage(code: AnyErrorCode, status: number | undefined): string | undefined {
  if (status !== undefined) return AUTH_MESSAGES[status] ?? "Unknown error"
  if (code.startsWith("ERR_ZMTP_")) return "ZMTP protocol error"
  if (code.startsWith("ERR_ZAP_")) return "ZAP protocol error"
  return ERRNO[code]?.[1]
}

/** Every failure surfaced by brokerless is a ZmqError with a stable string `code`. */
export class ZmqError extends Error {
  readonly code: AnyErrorCode
  /** The numeric errno, as zeromq.js gives it (codes that are errno names only). */
  readonly errno?: number
  readonly address?: string
  /** Authentication failures: the ZAP status code (300, 400, 500), as zeromq.js's AuthError. */
  readonly status?: number
  /** What went wrong in particular (the message is the generic text of the code). */
  readonly detail?: string

  constructor(code: AnyErrorCode, detail: string, options?: ZmqErrorOptions) {
    const message = standardMessage(code, options?.status) ?? detail
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = "ZmqError"
    this.code = code
    const errno = errnoOf(code)
    if (errno !== undefined) this.errno = errno
    if (detail !== message) this.detail = detail
    if (options?.address !== undefined) this.address = options.address
    if (options?.status !== undefined) this.status = options.status
  }
}

/** Builds an error with its stack starting at the caller, not inside this module. */
export function zmqError(code: AnyErrorCode, detail: string, options?: ZmqErrorOptions): ZmqError {
  const error = new ZmqError(code, detail, options)
  Error.captureStackTrace(error, zmqError)
  return error
}
