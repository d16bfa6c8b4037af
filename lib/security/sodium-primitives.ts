// libsodium (WebAssembly, package libsodium-wrappers) behind primitives.ts's Primitives: the data
// phase calls the raw Emscripten exports on one reusable region of WebAssembly memory, since the
// wrapper functions allocate and copy every argument and result.
import tweetnacl from "tweetnacl"
import { MAC_SIZE, type Primitives } from "./primitives.js"

/** Up to this many octets, a loop copies faster than a typed-array view and set(). */
const SMALL_COPY = 64

/**
 * The raw libsodium module under the wrappers (Emscripten exports): the data phase calls it
 * directly, because the wrapper functions allocate and copy every argument and the result
 * (four mallocs and three copies per 16-octet message). Lengths are 64-bit, passed as low and
 * high 32-bit halves.
 */
interface RawSodium {
  HEAPU8: Uint8Array
  _malloc(size: number): number
  _free(pointer: number): void
  _crypto_box_easy_afternm(out: number, message: number, lengthLow: number, lengthHigh: number, nonce: number, key: number): number
  _crypto_box_open_easy_afternm(out: number, box: number, lengthLow: number, lengthHigh: number, nonce: number, key: number): number
}

/** The subset of libsodium-wrappers used here (its own types are a 160 kB declaration file). */
export interface Sodium {
  libsodium?: RawSodium
  ready: Promise<void>
  crypto_scalarmult_base(secretKey: Uint8Array): Uint8Array
  /** Throws for a small-order public key. */
  crypto_box_beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array
  crypto_box_easy_afternm(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array
  crypto_box_open_easy_afternm(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array
}

/**
 * One reusable region of WebAssembly memory: [key 32][nonce 24][input n][output n + 16].
 * Everything runs synchronously on one thread, so one region serves every connection.
 */
class Scratch {
  private base = 0
  private capacity = -1

  constructor(private readonly raw: RawSodium) {}

  /** Copies key and nonce in and returns the input offset (grown to fit `length` octets). */
  prepare(key: Uint8Array, nonce: Uint8Array, length: number): number {
    if (length > this.capacity) {
      if (this.capacity >= 0) this.raw._free(this.base)
      this.capacity = Math.max(length, 64 * 1024)
      this.base = this.raw._malloc(56 + 2 * this.capacity + MAC_SIZE)
      if (this.base === 0) throw new RangeError("libsodium: out of memory")
    }
    const heap = this.raw.HEAPU8 // re-read: malloc may have grown (and replaced) the memory
    heap.set(key, this.base)
    heap.set(nonce, this.base + 32)
    return this.base + 56
  }

  get key(): number { return this.base }
  get nonce(): number { return this.base + 32 }
  output(): number { return this.base + 56 + this.capacity }
}

function rawSealInto(raw: RawSodium, scratch: Scratch): Primitives["sealInto"] {
  return (out, offset, flags, body, nonce, key) => {
    const length = 1 + body.length
    const input = scratch.prepare(key, nonce, length)
    const heap = raw.HEAPU8
    heap[input] = flags
    const output = scratch.output()
    if (length > SMALL_COPY) {
      heap.set(body, input + 1)
      raw._crypto_box_easy_afternm(output, input, length, 0, scratch.nonce, scratch.key)
      out.set(heap.subarray(output, output + length + MAC_SIZE), offset)
      return
    }
    for (let i = 0; i < body.length; i++) heap[input + 1 + i] = body[i]!
    raw._crypto_box_easy_afternm(output, input, length, 0, scratch.nonce, scratch.key)
    for (let i = 0; i < length + MAC_SIZE; i++) out[offset + i] = heap[output + i]!
  }
}

/** Opens box into the scratch output; its plaintext's offset in raw.HEAPU8, or -1. */
function rawOpen(raw: RawSodium, scratch: Scratch, box: Uint8Array, nonce: Uint8Array, key: Uint8Array): number {
  if (box.length < MAC_SIZE) return -1
  const input = scratch.prepare(key, nonce, box.length)
  raw.HEAPU8.set(box, input)
  const output = scratch.output()
  return raw._crypto_box_open_easy_afternm(output, input, box.length, 0, scratch.nonce, scratch.key) === 0 ? output : -1
}

function rawOpenAfter(raw: RawSodium, scratch: Scratch): Primitives["openAfter"] {
  return (box, nonce, key) => {
    const output = rawOpen(raw, scratch, box, nonce, key)
    if (output < 0) return null
    const plain = Buffer.allocUnsafe(box.length - MAC_SIZE)
    plain.set(raw.HEAPU8.subarray(output, output + plain.length))
    return plain
  }
}

function rawOpenInPlace(raw: RawSodium, scratch: Scratch): Primitives["openInPlace"] {
  return (box, nonce, key) => {
    const output = rawOpen(raw, scratch, box, nonce, key)
    if (output < 0) return false
    const length = box.length - MAC_SIZE
    const heap = raw.HEAPU8
    if (length > SMALL_COPY) {
      box.set(heap.subarray(output, output + length), MAC_SIZE)
    } else {
      for (let i = 0; i < length; i++) box[MAC_SIZE + i] = heap[output + i]!
    }
    return true
  }
}

function wrappedOpen(sodium: Sodium, box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null {
  // libsodium-wrappers throws where NaCl returns failure (wrong MAC, box shorter than a MAC)
  if (box.length < MAC_SIZE) return null
  try {
    return sodium.crypto_box_open_easy_afternm(box, nonce, key)
  } catch {
    return null
  }
}

export function sodiumPrimitives(sodium: Sodium): Primitives {
  const raw = sodium.libsodium
  const scratch = raw && typeof raw._crypto_box_easy_afternm === "function" ? new Scratch(raw) : undefined
  return {
    name: "libsodium",
    // what crypto_box_keypair computes, with entropy from node:crypto (see randomBytes)
    keyPair: () => {
      const secretKey = tweetnacl.randomBytes(32)
      return { publicKey: sodium.crypto_scalarmult_base(secretKey), secretKey }
    },
    publicKeyOf: (secretKey) => sodium.crypto_scalarmult_base(secretKey),
    beforenm: (publicKey, secretKey) => {
      try {
        return sodium.crypto_box_beforenm(publicKey, secretKey)
      } catch {
        return null
      }
    },
    boxAfter: (message, nonce, key) => sodium.crypto_box_easy_afternm(message, nonce, key),
    openAfter: scratch ? rawOpenAfter(raw!, scratch) : (box, nonce, key) => wrappedOpen(sodium, box, nonce, key),
    openInPlace: scratch ? rawOpenInPlace(raw!, scratch) : (box, nonce, key) => {
      const plain = wrappedOpen(sodium, box, nonce, key)
      if (plain) box.set(plain, MAC_SIZE)
      return plain !== null
    },
    sealInto: scratch ? rawSealInto(raw!, scratch) : (out, offset, flags, body, nonce, key) => {
      const plain = new Uint8Array(1 + body.length)
      plain[0] = flags
      plain.set(body, 1)
      out.set(sodium.crypto_box_easy_afternm(plain, nonce, key), offset)
    },
    // node:crypto via tweetnacl: libsodium's WebAssembly fetches entropy through a JS callback
    // per call, which cost more than the Curve25519 key pair it was for
    randomBytes: (length) => tweetnacl.randomBytes(length),
  }
}
