// Where the messages to send come from: the command's arguments (repeated up to --count), or
// stdin, one line per message (stopping at --count). Lines are parsed by frames.ts.
import { createInterface } from "node:readline"
import { parseLine, type LineOptions } from "./frames.js"

/** Messages from the arguments, cycled when --count asks for more than were given. */
export function* fromArgs(args: readonly string[], count: number | undefined, opts: LineOptions): Generator<Buffer[]> {
  const total = count ?? args.length
  for (let i = 0; i < total; i++) yield parseLine(args[i % args.length]!, opts)
}

/** Messages from stdin lines; a trailing "\r" (CRLF input) is dropped. */
export async function* fromStdin(count: number | undefined, opts: LineOptions): AsyncGenerator<Buffer[]> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let sent = 0
  try {
    for await (const line of lines) {
      if (count !== undefined && sent >= count) break
      sent++
      yield parseLine(line.endsWith("\r") ? line.slice(0, -1) : line, opts)
    }
  } finally {
    lines.close()
    process.stdin.pause()
  }
}

export function messages(args: readonly string[], count: number | undefined, opts: LineOptions): Iterable<Buffer[]> | AsyncIterable<Buffer[]> {
  return args.length > 0 ? fromArgs(args, count, opts) : fromStdin(count, opts)
}
