#!/usr/bin/env node
// The `brokerless` command (package.json "bin"). Parses with commander, runs the command, and
// maps the outcome to the exit status: 0 ok, 1 failure, 2 usage error (cli-error.ts).
import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { CommanderError } from "commander"
import { describe, EXIT_OK, EXIT_USAGE } from "./cli-error.js"
import { buildProgram } from "./program.js"

/** The package's version, from the package.json above this file (dist/cli or a test build). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, "package.json")
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string }
      if (pkg.name === "brokerless" && pkg.version) return pkg.version
    }
    const parent = dirname(dir)
    if (parent === dir) return "unknown"
    dir = parent
  }
}

/** Runs the command line `argv` (without node and the script) and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram(packageVersion())
  try {
    await program.parseAsync([...argv], { from: "user" })
    return EXIT_OK
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander rejects is a usage error.
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT_OK : EXIT_USAGE
    }
    const timeout = timeoutOf(argv)
    const { message, exitCode } = describe(error, timeout)
    process.stderr.write(`brokerless: ${message}\n`)
    return exitCode
  }
}

function timeoutOf(argv: readonly string[]): number | undefined {
  const i = argv.findIndex((a) => a === "-t" || a === "--timeout")
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--timeout="))?.slice(10)
  return value === undefined ? undefined : Number(value)
}

// Exits explicitly: stdin and discovery may hold the event loop after the work is done.
main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`brokerless: internal error: ${String((error as Error)?.stack ?? error)}\n`)
  process.exit(1)
})
