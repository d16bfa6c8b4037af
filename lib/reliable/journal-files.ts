// File and lock helpers of the on-disk journal: whole-file reads, positioned writes, directory
// fsync, and the advisory pid lock (`path.lock`) that stops two processes opening one journal.
import * as fs from "node:fs"
import { randomBytes } from "node:crypto"
import { resolve } from "node:path"
import { debuglog } from "node:util"
import { zmqError } from "../errors.js"

const debug = debuglog("brokerless")

export const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code

export function readAll(path: string): Buffer {
  try {
    return fs.readFileSync(path)
  } catch (error) {
    if (errno(error) === "ENOENT") return Buffer.alloc(0)
    throw error
  }
}

export function writeAll(fd: number, data: Buffer, position: number): void {
  for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done, position + done)
}

/** Makes a rename durable (POSIX); platforms that cannot fsync a directory skip it. */
export function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r")
    try { fs.fsyncSync(fd) } finally { fs.closeSync(fd) }
  } catch (error) {
    debug("journal: cannot fsync directory %s: %o", dir, error)
  }
}

// Lock files this process holds: a second open in this process is refused too, and a lock naming
// our own pid that is not in this set is stale (containers restart with the same small pid).
const heldLocks = new Set<string>()

/**
 * Takes `path.lock` holding our pid; a lock whose process is gone (e.g. SIGKILLed) is taken over.
 * Advisory: it stops accidental double opens, not two processes racing to clear the same stale lock.
 */
export function acquireLock(path: string): string {
  const lockPath = resolve(path) + ".lock"
  for (let attempt = 0; attempt < 3 && !heldLocks.has(lockPath); attempt++) {
    // Written aside then hard-linked: link(2) fails if the lock exists, and no reader sees it empty.
    const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}`
    fs.writeFileSync(tmp, `${process.pid}\n`)
    try {
      fs.linkSync(tmp, lockPath)
      heldLocks.add(lockPath)
      return lockPath
    } catch (error) {
      if (errno(error) !== "EEXIST") throw error
    } finally {
      fs.rmSync(tmp, { force: true })
    }
    const owner = Number.parseInt(readAll(lockPath).toString("latin1"), 10)
    if (owner !== process.pid && isAlive(owner)) break
    fs.rmSync(lockPath, { force: true })
  }
  const owner = heldLocks.has(lockPath) ? process.pid : readAll(lockPath).toString("latin1").trim()
  throw zmqError("ELOCKED", `Journal ${path} is locked by process ${owner} (${lockPath})`)
}

export function releaseLock(lockPath: string): void {
  heldLocks.delete(lockPath)
  fs.rmSync(lockPath, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    return Number.isSafeInteger(pid) && pid > 0 && process.kill(pid, 0)
  } catch (error) {
    return errno(error) === "EPERM" // alive, owned by another user
  }
}
