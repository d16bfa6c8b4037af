// The NaCl primitives CURVE needs (RFC 26: Curve25519 + XSalsa20-Poly1305), behind one seam so
// the mechanism code does not care which library computes them.
//
// libsodium (compiled to WebAssembly, package libsodium-wrappers) is 3-5x faster than tweetnacl
// (pure JS) for boxes and for Curve25519, and needs no native build. Its WebAssembly module
// compiles asynchronously, so it cannot serve the first call in a process synchronously;
// tweetnacl does until then. Both compute the same functions byte for byte, so a connection may
// switch in the middle. Loading starts when a socket first asks for CURVE (loadSodium()), not at
// import: users without CURVE never pay for the 1 MB module. Nothing here is async to callers,
// so socket constructors stay synchronous; the first CURVE handshake of a process waits for the
// load (one pending step, tens of ms) so that its data phase never runs on the slow library.
import tweetnacl from "tweetnacl"

export interface KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** One implementation of the primitives. `open*` return null when the box does not open. */
interface Primitives {
  readonly name: "libsodium" | "tweetnacl"
  keyPair(): KeyPair
  /** Curve25519 public key of a secret key (scalar multiplication by the base point). */
  publicKeyOf(secretKey: Uint8Array): Uint8Array
  /** The precomputed key of a box between publicKey and secretKey (crypto_box_beforenm). */
  beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array
  /** crypto_box_afternm / open_afternm (= secretbox with the precomputed key): MAC then ciphertext. */
  boxAfter(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array
  openAfter(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null
  /**
   * openAfter that writes the plaintext over the box's ciphertext, from box[16] on: no
   * plaintext buffer per message. False (box unchanged) when the box does not open.
   */
  openInPlace(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean
  /**
   * boxAfter of [flags, ...body] written into out at offset (17 + body.length octets): a CURVE
   * MESSAGE sealed straight into its frame, without a plaintext or box copy in between.
   */
  sealInto(out: Uint8Array, offset: number, flags: number, body: Uint8Array, nonce: Uint8Array, key: Uint8Array): void
  randomBytes(length: number): Uint8Array
}

/** Poly1305 MAC octets in front of every box. */
const MAC_SIZE = 16
/** Up to this many octets, a loop copies faster than a typed-array view and set(). */
const SMALL_COPY = 64

const TWEETNACL: Primitives = {
  name: "tweetnacl",
  keyPair: () => tweetnacl.box.keyPair(),
  publicKeyOf: (secretKey) => tweetnacl.scalarMult.base(secretKey),
  beforenm: (publicKey, secretKey) => tweetnacl.box.before(publicKey, secretKey),
  boxAfter: (message, nonce, key) => tweetnacl.box.after(message, nonce, key),
  openAfter: (box, nonce, key) => tweetnacl.box.open.after(box, nonce, key),
  openInPlace: (box, nonce, key) => {
    const plain = tweetnacl.box.open.after(box, nonce, key)
    if (plain) box.set(plain, MAC_SIZE)
    return plain !== null
  },
  sealInto: (out, offset, flags, body, nonce, key) => {
    const plain = new Uint8Array(1 + body.length)
    plain[0] = flags
    plain.set(body, 1)
    out.set(tweetnacl.box.after(plain, nonce, key), offset)
  },
  randomBytes: (length) => tweetnacl.randomBytes(length),
}

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
interface Sodium {
  libsodium?: RawSodium
  ready: Promise<void>
  crypto_scalarmult_base(secretKey: Uint8Array): Uint8Array
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

function sodiumPrimitives(sodium: Sodium): Primitives {
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
    beforenm: (publicKey, secretKey) => sodium.crypto_box_beforenm(publicKey, secretKey),
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

let active: Primitives = TWEETNACL
let loading: Promise<void> | undefined
let settled = false

/**
 * Starts loading libsodium once (later calls return the same promise). Resolves when it serves
 * every call from then on, or, if WebAssembly is unavailable, when it is clear that tweetnacl
 * stays: it never rejects.
 */
export function loadSodium(): Promise<void> {
  loading ??= import("libsodium-wrappers")
    .then(async (module) => {
      const sodium = ((module as { default?: unknown }).default ?? module) as Sodium
      await sodium.ready
      active = sodiumPrimitives(sodium)
    })
    .catch(() => {
      // no WebAssembly here (or the module failed to load): tweetnacl computes the same boxes
    })
    .finally(() => {
      settled = true
    })
  return loading
}

/** Whether loadSodium() has finished (either way): nothing faster is coming. */
export function sodiumSettled(): boolean {
  return settled
}

/** Which library computes the primitives right now. */
export function naclBackend(): Primitives["name"] {
  return active.name
}

/** Tests only: compute with tweetnacl again (or with libsodium, once loaded). */
export async function useNaclBackend(name: Primitives["name"]): Promise<void> {
  if (name === "tweetnacl") {
    active = TWEETNACL
    return
  }
  loading = undefined
  await loadSodium()
}

export const keyPair = (): KeyPair => active.keyPair()
export const publicKeyOf = (secretKey: Uint8Array): Uint8Array => active.publicKeyOf(secretKey)
export const beforenm = (publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array => active.beforenm(publicKey, secretKey)
export const boxAfter = (message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array => active.boxAfter(message, nonce, key)
export const openAfter = (box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null => active.openAfter(box, nonce, key)
export const openInPlace = (box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean => active.openInPlace(box, nonce, key)
export const sealInto = (out: Uint8Array, offset: number, flags: number, body: Uint8Array, nonce: Uint8Array, key: Uint8Array): void =>
  active.sealInto(out, offset, flags, body, nonce, key)
export const randomBytes = (length: number): Uint8Array => active.randomBytes(length)

/** crypto_box: a one-off box from secretKey to publicKey (the handshake's long-term boxes). */
export function box(message: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return active.boxAfter(message, nonce, active.beforenm(publicKey, secretKey))
}

export function boxOpen(sealed: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null {
  return active.openAfter(sealed, nonce, active.beforenm(publicKey, secretKey))
}

/**
 * crypto_secretbox with a 32-octet key: the same XSalsa20-Poly1305 as box_afternm (NaCl defines
 * box_afternm as secretbox with the precomputed key), so one primitive serves both.
 */
export const secretbox = boxAfter
export const secretboxOpen = openAfter
