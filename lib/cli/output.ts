// Writes message lines to stdout with backpressure, and treats a closed stdout (EPIPE, as in
// `brokerless sub ... | head -1`) as the reader having seen enough: a clean exit, not a crash.
import { once } from "node:events"

let stdoutGone = false
let onGone: (() => void) | undefined

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error
  stdoutGone = true
  onGone?.()
})

/** Called once when stdout's reader goes away. */
export function whenStdoutGone(callback: () => void): void {
  onGone = callback
}

export async function writeLine(line: string): Promise<void> {
  if (stdoutGone) return
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, "drain").catch(() => undefined)
}
