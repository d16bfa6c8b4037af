// The one error type of the library and the factory that builds every instance of it.
// Codes are libzmq errno names (README "Errors"); protocol faults use zeromq.js ERR_ZMTP_* codes
// and reach the application only through events, never through a rejected user call.

export type ErrorCode =
  | "EAGAIN" | "EBUSY" | "EBADF" | "EFSM" | "EHOSTUNREACH" | "EINVAL" | "EPROTONOSUPPORT"
  | "ENOCOMPATPROTO" | "EADDRINUSE" | "EADDRNOTAVAIL" | "ENOENT" | "EMSGSIZE" | "ENOTSUP"
  | "EPROTO" | "ECONNREFUSED" | "ECONNRESET" | "ETIMEDOUT" | "EACCES"
  | "ELOCKED" | "EIO" | "ERR_JOURNAL_CORRUPT" // reliable journal (lib/reliable/file-journal.ts)

export type ProtocolErrorCode =
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

export type AnyErrorCode = ErrorCode | ProtocolErrorCode

/** Every failure surfaced by brokerless is a ZmqError with a stable string `code`. */
export class ZmqError extends Error {
  readonly code: AnyErrorCode
  readonly address?: string
  /** Authentication failures: the ZAP status code (300, 400, 500), as zeromq.js's AuthError. */
  readonly status?: number

  constructor(code: AnyErrorCode, message: string, options?: { address?: string; cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = "ZmqError"
    this.code = code
    if (options?.address !== undefined) this.address = options.address
    if (options?.status !== undefined) this.status = options.status
  }
}

/** Builds an error with its stack starting at the caller, not inside this module. */
export function zmqError(
  code: AnyErrorCode,
  message: string,
  options?: { address?: string; cause?: unknown; status?: number },
): ZmqError {
  const error = new ZmqError(code, message, options)
  Error.captureStackTrace(error, zmqError)
  return error
}
