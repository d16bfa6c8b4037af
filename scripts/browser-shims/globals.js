// Injected into the browser bundle (esbuild `inject`): the few Node globals the library uses.
// Timers get unref()/ref() (no-ops: a page has no event loop to keep alive); setImmediate runs
// on a MessageChannel turn (a macrotask, like Node's, without setTimeout's 4 ms clamp).
import { Buffer } from "buffer"

class Timer {
  constructor(id, interval) { this.id = id; this.interval = interval }
  unref() { return this }
  ref() { return this }
  hasRef() { return true }
  [Symbol.toPrimitive]() { return this.id }
}

const g = globalThis
function setTimeoutShim(fn, ms, ...args) { return new Timer(g.setTimeout(fn, ms, ...args), false) }
function setIntervalShim(fn, ms, ...args) { return new Timer(g.setInterval(fn, ms, ...args), true) }
function clearTimeoutShim(timer) { if (timer !== undefined && timer !== null) g.clearTimeout(timer instanceof Timer ? timer.id : timer) }
function clearIntervalShim(timer) { if (timer !== undefined && timer !== null) g.clearInterval(timer instanceof Timer ? timer.id : timer) }

const immediates = []
const channel = new MessageChannel()
channel.port1.onmessage = () => {
  const batch = immediates.splice(0)
  for (const [fn, args] of batch) fn(...args)
}
function setImmediateShim(fn, ...args) {
  if (immediates.length === 0) channel.port2.postMessage(0)
  immediates.push([fn, args])
}

const processShim = {
  platform: "browser",
  env: {},
  versions: {},
  nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
  emitWarning: (warning) => console.warn(warning),
}

export {
  Buffer,
  setTimeoutShim as setTimeout, setIntervalShim as setInterval,
  clearTimeoutShim as clearTimeout, clearIntervalShim as clearInterval,
  setImmediateShim as setImmediate, processShim as process,
}
