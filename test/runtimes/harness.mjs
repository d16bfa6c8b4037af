// A tiny test harness that runs the same way under Node, Bun and Deno (node-tap does not run
// reliably under the last two): named cases, each bounded in time, each closing the sockets it
// opened, a skip with a printed reason per runtime, and the closing line CI sums:
// "<runtime>: N passed, N failed[, N skipped]".
import { Buffer } from "node:buffer"

/** Which runtime runs this file. */
export const runtime = globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node"

export class AssertionError extends Error {}

export function assert(condition, message) {
  if (!condition) throw new AssertionError(message)
}

export function equal(actual, expected, message) {
  if (actual !== expected) throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

/** Frames as strings, for comparing whole messages. */
export function text(frames) {
  return frames.map((frame) => Buffer.from(frame).toString())
}

export function sameFrames(frames, expected, message) {
  equal(JSON.stringify(text(frames)), JSON.stringify(expected), message)
}

/** Rejects with `label` if `promise` has not settled within `ms`. */
export function within(promise, ms, label) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new AssertionError(`timed out after ${ms} ms: ${label}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The first event of `type` a socket emits. */
export function nextEvent(socket, type) {
  return new Promise((resolve) => socket.events.on(type, resolve))
}

const cases = []

/**
 * Declares a case. `fn(track)` gets `track(socket)`, which closes the socket when the case ends
 * however it ends. `skip` maps a runtime name to the reason that case does not run there.
 */
export function test(name, fn, { skip = {}, timeout = 5000 } = {}) {
  cases.push({ name, fn, skip: skip[runtime], timeout })
}

async function runOne({ name, fn, timeout }) {
  const sockets = []
  const track = (socket) => { sockets.push(socket); return socket }
  try {
    await within(Promise.resolve().then(() => fn(track)), timeout, name)
    return undefined
  } catch (error) {
    return error
  } finally {
    for (const socket of sockets) socket.close()
  }
}

/** Runs every case in order (the machine is shared: no parallel cases); returns the counts. */
export async function run({ filter } = {}) {
  const counts = { passed: 0, failed: 0, skipped: 0 }
  for (const entry of cases) {
    if (filter && !entry.name.includes(filter)) continue
    if (entry.skip) {
      counts.skipped++
      console.log(`skip - ${entry.name} (on ${runtime}: ${entry.skip})`)
      continue
    }
    const started = Date.now()
    const error = await runOne(entry)
    if (error) {
      counts.failed++
      console.log(`not ok - ${entry.name}\n    ${String(error?.stack ?? error).split("\n").slice(0, 4).join("\n    ")}`)
    } else {
      counts.passed++
      console.log(`ok - ${entry.name} (${Date.now() - started} ms)`)
    }
  }
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : ""
  console.log(`${runtime}: ${counts.passed} passed, ${counts.failed} failed${skipped}`)
  return counts
}
