// Option `reliable`: its public shape and its validation into the settings the outbox and the
// glue use. Pure; throws like the option table (TypeError for a wrong type, EINVAL for a bad value).
import { zmqError } from "../errors.js"
import type { FsyncPolicy } from "./journal.js"

/** Option `reliable` as an object (`true` means all defaults). */
export interface ReliableOptions {
  /** ms without an ack before a message is re-sent (to another peer when there is one). Default 5000. */
  ackTimeout?: number
  /** Re-sends after ack timeouts before a message is given up; -1 (default): never. */
  retries?: number
  /** Most unacked messages; send() waits (sendTimeout) while full. 0: unlimited. Default sendHighWaterMark. */
  bufferSize?: number
  /** Path of an on-disk journal: accepted messages survive a crash and are re-sent on restart. */
  journal?: string | null
  /** Journal fsync policy: "always", "batch" (default) or "never"; see docs/reliable.md. */
  fsync?: FsyncPolicy
  /** Refuse (close) connections to peers without the extension instead of falling back. */
  requirePeerSupport?: boolean
}

export interface ReliableSettings { ackTimeout: number; retries: number; bufferSize: number; journal: string | null; fsync: FsyncPolicy; requirePeerSupport: boolean }

const KEYS = new Set(["ackTimeout", "retries", "bufferSize", "journal", "fsync", "requirePeerSupport"])

/** Validates option `reliable`; null when off. Throws TypeError / EINVAL like the option table. */
export function reliableSettings(value: unknown, sendHighWaterMark: number): ReliableSettings | null {
  if (value === false || value === null || value === undefined) return null
  const o = (value === true ? {} : value) as ReliableOptions
  if (typeof o !== "object") throw new TypeError("Option reliable must be a boolean or an options object")
  for (const key of Object.keys(o)) if (!KEYS.has(key)) throw new TypeError(`Unknown reliable option ${key}`)
  const int = (name: keyof ReliableOptions, fallback: number, min: number): number => {
    const v = o[name] ?? fallback
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw zmqError("EINVAL", `reliable.${name} must be an integer >= ${min}`)
    return v
  }
  const fsync = o.fsync ?? "batch"
  if (!["always", "batch", "never"].includes(fsync)) throw zmqError("EINVAL", `reliable.fsync must be "always", "batch" or "never"`)
  if (o.journal != null && (typeof o.journal !== "string" || o.journal === "")) throw new TypeError("reliable.journal must be a file path")
  return {
    ackTimeout: int("ackTimeout", 5000, 1), retries: int("retries", -1, -1), bufferSize: int("bufferSize", sendHighWaterMark, 0),
    journal: o.journal ?? null, fsync, requirePeerSupport: o.requirePeerSupport === true,
  }
}
