// Errors of the command line and the exit codes they map to: 0 ok, 1 failure (a timeout, a
// refused or failed peer, bad input data), 2 usage (bad options or arguments). Every failure the
// commands report goes through here, so the exit code is decided in one place.

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_FAILURE, readonly code: string = "ECLI") {
    super(message)
    this.name = "CliError"
  }
}

/** A usage error: bad options or arguments (exit 2). */
export function usage(message: string): CliError {
  return new CliError(message, EXIT_USAGE, "EUSAGE")
}

/** A run-time failure (exit 1), keeping the library error's code when there is one. */
export function failure(message: string, code = "ECLI"): CliError {
  return new CliError(message, EXIT_FAILURE, code)
}

/** The text and exit code for anything thrown by a command. */
export function describe(error: unknown, timeout?: number): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode }
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (code === "EAGAIN" && timeout !== undefined) {
    return { message: `timed out after ${timeout} ms (EAGAIN)`, exitCode: EXIT_FAILURE }
  }
  // EINVAL from the library at setup is about what the user typed: an endpoint, a key.
  const exitCode = code === "EINVAL" || code === "EPROTONOSUPPORT" || code === "ENOCOMPATPROTO" ? EXIT_USAGE : EXIT_FAILURE
  return { message: typeof code === "string" ? `${message} (${code})` : message, exitCode }
}
