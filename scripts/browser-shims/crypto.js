// node:crypto as the library uses it in the browser: random integers and octets from Web Crypto.
import { Buffer } from "buffer"

export function randomBytes(size) {
  const bytes = Buffer.alloc(size)
  globalThis.crypto.getRandomValues(bytes)
  return bytes
}

export function randomInt(min, max) {
  if (max === undefined) { max = min; min = 0 }
  const range = max - min
  const words = new Uint32Array(1)
  const limit = Math.floor(0x100000000 / range) * range
  do globalThis.crypto.getRandomValues(words); while (words[0] >= limit)
  return min + (words[0] % range)
}

export function randomUUID() { return globalThis.crypto.randomUUID() }
export default { randomBytes, randomInt, randomUUID }
