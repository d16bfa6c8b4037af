// Journal compaction: rewrites the file with only the live records, atomically (temp file,
// fsync, rename, directory fsync), so a crash at any point leaves either the old or the new file.
import * as fs from "node:fs"
import { dirname, resolve } from "node:path"
import { zmqError } from "../errors.js"
import { syncDir, writeAll } from "./journal-files.js"
import { HEADER_BYTES, type Slot } from "./journal-format.js"

/** The temp file a compaction writes before renaming it over the journal. */
export const TMP_SUFFIX = ".compact"

/**
 * Writes `header` plus every live record (read from `from`, in seq order, contiguous ones copied as
 * one run) to a temp file, fsyncs it and renames it over `path`. Returns the records' new slots.
 */
export function writeCompacted(path: string, header: Buffer, from: number, live: Map<bigint, Slot>): Map<bigint, Slot> {
  const tmp = path + TMP_SUFFIX
  const out = fs.openSync(tmp, "w")
  const moved = new Map<bigint, Slot>()
  try {
    writeAll(out, header, 0)
    let [end, runStart, runLength, runTarget] = [HEADER_BYTES, 0, 0, HEADER_BYTES]
    for (const [seq, slot] of live) {
      if (slot.offset !== runStart + runLength) {
        copyRange(from, out, runStart, runLength, runTarget)
        ;[runStart, runLength, runTarget] = [slot.offset, 0, end]
      }
      moved.set(seq, { ...slot, offset: end })
      runLength += slot.length
      end += slot.length
    }
    copyRange(from, out, runStart, runLength, runTarget)
    fs.fsyncSync(out)
  } finally {
    fs.closeSync(out)
  }
  fs.renameSync(tmp, path)
  syncDir(dirname(resolve(path)))
  return moved
}

function copyRange(from: number, out: number, offset: number, length: number, target: number): void {
  const chunk = Buffer.allocUnsafe(Math.min(length, 1 << 20))
  for (let done = 0; done < length; ) {
    const want = Math.min(chunk.length, length - done)
    const got = fs.readSync(from, chunk, 0, want, offset + done)
    if (got <= 0) throw zmqError("EIO", "Journal file shrank during compaction")
    writeAll(out, chunk.subarray(0, got), target + done)
    done += got
  }
}
