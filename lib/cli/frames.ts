// Messages as lines of text, both ways: one line is one message, frames split by a separator.
// Formats: text (UTF-8; binary frames shown as 0x<hex>), quoted (C-style escapes), hex, json
// ({"frames":[...]} lines, binary frames as {"hex":...}) and msgpack (one JSON value per line,
// packed with the library's msgpack codec). Pure functions: no I/O.
import { msgpackCodec } from "../codec/msgpack.js"
import { failure } from "./cli-error.js"

import type { Format } from "./formats.js"

/** Frame separator in text output when none was given: multipart messages stay on one line. */
export const DEFAULT_OUTPUT_SEPARATOR = "|"

export interface LineOptions {
  readonly format: Format
  /** Splits input lines into frames and joins output frames (text, quoted, hex). */
  readonly separator?: string | undefined
}

/** One input line as the frames of one message; a malformed line is an EINVAL failure. */
export function parseLine(line: string, opts: LineOptions): Buffer[] {
  switch (opts.format) {
    case "text": return split(line, opts.separator).map((part) => Buffer.from(part, "utf8"))
    case "hex": return split(line, opts.separator ?? " ").filter((p) => p !== "").map(parseHex)
    case "quoted": return parseQuoted(line)
    case "json": return parseJsonFrames(line)
    case "msgpack": return msgpackCodec.encode(parseJson(line))
  }
}

/** The frames of one message as one output line (without the newline). */
export function formatMessage(frames: readonly Buffer[], opts: LineOptions): string {
  switch (opts.format) {
    case "text": return frames.map(textFrame).join(opts.separator ?? DEFAULT_OUTPUT_SEPARATOR)
    case "hex": return frames.map((f) => f.toString("hex")).join(opts.separator ?? " ")
    case "quoted": return frames.map(quote).join(opts.separator ?? " ")
    case "json": return JSON.stringify({ frames: frames.map(jsonFrame) })
    case "msgpack": return formatMsgpack(frames)
  }
}

function split(line: string, separator: string | undefined): string[] {
  return separator === undefined || separator === "" ? [line] : line.split(separator)
}

function parseHex(text: string): Buffer {
  const clean = text.startsWith("0x") ? text.slice(2) : text
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw failure(`not hex: ${JSON.stringify(text)}`, "EINVAL")
  return Buffer.from(clean, "hex")
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown
  } catch {
    throw failure(`not JSON: ${JSON.stringify(line.slice(0, 80))}`, "EINVAL")
  }
}

/** `["a","b"]`, `{"frames":["a",{"hex":"00ff"}]}` or a bare string (one frame). */
function parseJsonFrames(line: string): Buffer[] {
  const value = parseJson(line)
  const list = typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as { frames?: unknown }).frames
    : value
  const frames = typeof list === "string" ? [list] : list
  if (!Array.isArray(frames)) throw failure(`JSON line is not a list of frames: ${line.slice(0, 80)}`, "EINVAL")
  return frames.map((frame: unknown) => {
    if (typeof frame === "string") return Buffer.from(frame, "utf8")
    const hex = (frame as { hex?: unknown } | null)?.hex
    if (typeof hex === "string") return parseHex(hex)
    throw failure(`a JSON frame is a string or {"hex": "..."}: ${JSON.stringify(frame)}`, "EINVAL")
  })
}

/** UTF-8 that round-trips and holds no control characters (tab aside). */
function isText(frame: Buffer): boolean {
  const text = frame.toString("utf8")
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0a-\x1f\x7f\ufffd]/.test(text) && Buffer.byteLength(text) === frame.length
}

function textFrame(frame: Buffer): string {
  return isText(frame) ? frame.toString("utf8") : `0x${frame.toString("hex")}`
}

function jsonFrame(frame: Buffer): string | { hex: string } {
  return isText(frame) ? frame.toString("utf8") : { hex: frame.toString("hex") }
}

const ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" }

/** Printable ASCII as it is, the rest as C escapes: shows every byte, unambiguously. */
export function quote(frame: Buffer): string {
  let out = '"'
  for (const byte of frame) {
    const ch = String.fromCharCode(byte)
    if (ESCAPES[ch] !== undefined) out += ESCAPES[ch]
    else if (byte >= 0x20 && byte < 0x7f) out += ch
    else out += `\\x${byte.toString(16).padStart(2, "0")}`
  }
  return `${out}"`
}

/** A sequence of "..." tokens separated by blanks, each one frame (the inverse of quote()). */
function parseQuoted(line: string): Buffer[] {
  const frames: Buffer[] = []
  let i = 0
  const bad = (why: string) => failure(`quoted input: ${why} at column ${i + 1}`, "EINVAL")
  while (i < line.length) {
    if (line[i] === " " || line[i] === "\t") { i++; continue }
    if (line[i] !== '"') throw bad("expected \"")
    const bytes: number[] = []
    for (i++; ; i++) {
      if (i >= line.length) throw bad("unterminated string")
      const ch = line[i]!
      if (ch === '"') { i++; break }
      if (ch !== "\\") { bytes.push(...Buffer.from(ch, "utf8")); continue }
      const next = line[++i]
      const simple: Record<string, number> = { "\\": 0x5c, '"': 0x22, n: 0x0a, r: 0x0d, t: 0x09, "0": 0 }
      if (next !== undefined && simple[next] !== undefined) bytes.push(simple[next]!)
      else if (next === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 1, i + 3))) {
        bytes.push(parseInt(line.slice(i + 1, i + 3), 16))
        i += 2
      } else throw bad("bad escape")
    }
    frames.push(Buffer.from(bytes))
  }
  return frames
}

/** Buffers inside decoded values (msgpack bin) print as {"hex": ...}, not as byte arrays. */
function jsonValue(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const raw = (this as Record<string, unknown>)[key]
    if (raw instanceof Uint8Array) return { hex: Buffer.from(raw).toString("hex") }
    return typeof v === "bigint" ? v.toString() : v
  }) ?? "null"
}

function formatMsgpack(frames: readonly Buffer[]): string {
  const decoded = frames.map((frame) => {
    try {
      return { ok: true as const, value: msgpackCodec.decode([frame]) }
    } catch {
      return { ok: false as const, value: { undecodable: frame.toString("hex") } }
    }
  })
  const values = decoded.map((d) => d.value)
  return jsonValue(values.length === 1 ? values[0] : values)
}
