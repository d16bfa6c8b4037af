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
// Where the application installed the optional package sodium-native (libsodium as a prebuilt
// native addon), it is used instead of the WebAssembly, after a check that it computes the same
// boxes: large encrypted messages need about a third of the CPU time.
// Curve25519 shared secrets (beforenm) come from node:crypto where it has a working X25519
// (x25519-node.ts), which is native and about twice as fast as libsodium's WebAssembly.
import tweetnacl from "tweetnacl"
import { boxKeyOf } from "./box-key.js"
import { nativeSodiumPrimitives, type NativeSodium } from "./native-sodium-primitives.js"
import { MAC_SIZE, type KeyPair, type Primitives } from "./primitives.js"
import { sodiumPrimitives, type Sodium } from "./sodium-primitives.js"
import { nodeX25519, type NodeX25519 } from "./x25519-node.js"

export type { KeyPair, Primitives }

/** Set to "wasm" to keep CURVE on libsodium's WebAssembly even where sodium-native is installed. */
export const SODIUM_ENV = "BROKERLESS_SODIUM"

const TWEETNACL: Primitives = {
  name: "tweetnacl",
  keyPair: () => tweetnacl.box.keyPair(),
  publicKeyOf: (secretKey) => tweetnacl.scalarMult.base(secretKey),
  beforenm: (publicKey, secretKey) => boxKeyOf(tweetnacl.scalarMult(secretKey, publicKey)),
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

let active: Primitives = TWEETNACL
/**
 * node:crypto's native X25519 where it works (x25519-node.ts): about twice as fast as libsodium's
 * WebAssembly, so it computes every beforenm whichever library does the boxes. Checked on first
 * use (null until then), not at import: users without CURVE never pay for the check.
 */
let native: NodeX25519 | undefined | null = null
let useNative = true

function nativeX25519(): NodeX25519 | undefined {
  if (native === null) {
    const reference = (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array => tweetnacl.scalarMult(secretKey, publicKey)
    native = nodeX25519((secretKey) => active.publicKeyOf(secretKey), reference, tweetnacl.randomBytes)
  }
  return useNative ? native : undefined
}
let loading: Promise<void> | undefined
let settled = false

/**
 * Starts loading libsodium once (later calls return the same promise): sodium-native where it is
 * installed and computes what tweetnacl does, else the WebAssembly build. Resolves when it serves
 * every call from then on, or, if neither loads, when it is clear that tweetnacl stays: it never
 * rejects.
 */
export function loadSodium(): Promise<void> {
  loading ??= Promise.all([loadNativeSodium(), loadWasmSodium()])
    .then(([native, wasm]) => {
      active = native && wasm ? bySize(wasm, native) : native ?? wasm ?? active
    })
    .finally(() => {
      settled = true
    })
  return loading
}

/** sodium-native's primitives, or undefined where it is not installed, not wanted or not right. */
async function loadNativeSodium(): Promise<Primitives | undefined> {
  if (process.env[SODIUM_ENV] === "wasm") return undefined
  try {
    const module = (await import("sodium-native" as string)) as { default?: unknown }
    const primitives = nativeSodiumPrimitives((module.default ?? module) as NativeSodium)
    return agreesWithTweetnacl(primitives) ? primitives : undefined
  } catch {
    return undefined // not installed, or no prebuilt addon for this platform or runtime
  }
}

async function loadWasmSodium(): Promise<Primitives | undefined> {
  try {
    const module = (await import("libsodium-wrappers")) as { default?: unknown }
    const sodium = (module.default ?? module) as Sodium
    await sodium.ready
    return sodiumPrimitives(sodium)
  } catch {
    return undefined // no WebAssembly here (or the module failed to load): tweetnacl computes the same boxes
  }
}

/**
 * Below this many octets a box costs less in libsodium's WebAssembly (called on its own memory,
 * about 1.3 µs for 16 octets) than across Node-API into sodium-native (2.6 µs); from about 1 KiB
 * on the native code wins, by 4x at 16 KiB and more.
 */
const NATIVE_FROM = 512

/** `large`'s boxes for messages of NATIVE_FROM octets and more, `small`'s below; `large` for the rest. */
function bySize(small: Primitives, large: Primitives): Primitives {
  return {
    ...large,
    boxAfter: (message, nonce, key) => (message.length < NATIVE_FROM ? small : large).boxAfter(message, nonce, key),
    openAfter: (box, nonce, key) => (box.length < NATIVE_FROM ? small : large).openAfter(box, nonce, key),
    openInPlace: (box, nonce, key) => (box.length < NATIVE_FROM ? small : large).openInPlace(box, nonce, key),
    sealInto: (out, offset, flags, body, nonce, key) =>
      (body.length < NATIVE_FROM ? small : large).sealInto(out, offset, flags, body, nonce, key),
  }
}

/** A box sealed by `candidate` opens with tweetnacl and the other way round, and a wrong one does not. */
function agreesWithTweetnacl(candidate: Primitives): boolean {
  const a = tweetnacl.box.keyPair()
  const b = candidate.keyPair()
  const key = candidate.beforenm(a.publicKey, b.secretKey)
  const expected = tweetnacl.box.before(b.publicKey, a.secretKey)
  if (!key || !tweetnacl.verify(key, expected)) return false
  const nonce = tweetnacl.randomBytes(24)
  const body = tweetnacl.randomBytes(100)
  const out = new Uint8Array(MAC_SIZE + 1 + body.length)
  candidate.sealInto(out, 0, 1, body, nonce, key)
  const opened = tweetnacl.box.open.after(out, nonce, key)
  if (!opened || opened[0] !== 1 || !tweetnacl.verify(opened.subarray(1), body)) return false
  const sealed = tweetnacl.box.after(body, nonce, key)
  if (!candidate.openInPlace(sealed, nonce, key) || !tweetnacl.verify(sealed.subarray(MAC_SIZE), body)) return false
  sealed[0]! ^= 1
  return !candidate.openInPlace(sealed, nonce, key)
}

/** Whether loadSodium() has finished (either way): nothing faster is coming. */
export function sodiumSettled(): boolean {
  return settled
}

/** Which X25519 computes beforenm: node:crypto's, or that of naclBackend(). */
export function x25519Backend(): "node:crypto" | Primitives["name"] {
  return nativeX25519() ? "node:crypto" : active.name
}

/** Tests only: whether beforenm uses node:crypto's X25519 (when this runtime has a working one). */
export function useNodeX25519(on: boolean): boolean {
  useNative = on
  return nativeX25519() !== undefined
}

/** Which library computes the primitives right now. */
export function naclBackend(): Primitives["name"] {
  return active.name
}

/**
 * Tests only: compute with tweetnacl again, or with one libsodium build; false (and tweetnacl
 * stays) where that build does not load here.
 */
export async function useNaclBackend(name: Primitives["name"]): Promise<boolean> {
  // "sodium-native" alone: every size on the addon (loadSodium() keeps small boxes on WebAssembly)
  const primitives = name === "tweetnacl" ? TWEETNACL : name === "libsodium" ? await loadWasmSodium() : await loadNativeSodium()
  active = primitives ?? TWEETNACL
  return primitives !== undefined
}

/** A short-term key pair: with node:crypto's X25519, its secret key is imported once, here. */
export function keyPair(): KeyPair {
  const pair = active.keyPair()
  nativeX25519()?.adopt(pair.secretKey, pair.publicKey)
  return pair
}
export const publicKeyOf = (secretKey: Uint8Array): Uint8Array => active.publicKeyOf(secretKey)
export function beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null {
  const x25519 = nativeX25519()
  return x25519 ? boxKeyOf(x25519.sharedSecret(publicKey, secretKey)) : active.beforenm(publicKey, secretKey)
}
export const boxAfter = (message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array => active.boxAfter(message, nonce, key)
export const openAfter = (box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null => active.openAfter(box, nonce, key)
export const openInPlace = (box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean => active.openInPlace(box, nonce, key)
export const sealInto = (out: Uint8Array, offset: number, flags: number, body: Uint8Array, nonce: Uint8Array, key: Uint8Array): void =>
  active.sealInto(out, offset, flags, body, nonce, key)
export const randomBytes = (length: number): Uint8Array => active.randomBytes(length)

/**
 * crypto_box: a one-off box from secretKey to publicKey (the handshake's long-term boxes); null
 * for a small-order publicKey (see beforenm).
 */
export function box(message: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null {
  const key = beforenm(publicKey, secretKey)
  return key && active.boxAfter(message, nonce, key)
}

export function boxOpen(sealed: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null {
  const key = beforenm(publicKey, secretKey)
  return key && active.openAfter(sealed, nonce, key)
}

/**
 * crypto_secretbox with a 32-octet key: the same XSalsa20-Poly1305 as box_afternm (NaCl defines
 * box_afternm as secretbox with the precomputed key), so one primitive serves both.
 */
export const secretbox = boxAfter
export const secretboxOpen = openAfter
