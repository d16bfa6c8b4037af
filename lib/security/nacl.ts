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
// Curve25519 shared secrets (beforenm) come from node:crypto where it has a working X25519
// (x25519-node.ts), which is native and about twice as fast as libsodium's.
import tweetnacl from "tweetnacl"
import { isAllZero, MAC_SIZE, type KeyPair, type Primitives } from "./primitives.js"
import { sodiumPrimitives, type Sodium } from "./sodium-primitives.js"
import { nodeX25519, type NodeX25519 } from "./x25519-node.js"

export type { KeyPair, Primitives }

/** tweetnacl's lower level (not in its typings): HSalsa20, which turns a shared secret into a box key. */
const { crypto_core_hsalsa20: hsalsa20 } = (tweetnacl as unknown as {
  lowlevel: { crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, constant: Uint8Array): void }
}).lowlevel
const ZERO_NONCE = new Uint8Array(16)
const SIGMA = new Uint8Array(Buffer.from("expand 32-byte k", "latin1"))

/** crypto_box_beforenm from an X25519 shared secret: HSalsa20 of it with a zero nonce. */
function boxKeyOf(shared: Uint8Array | null): Uint8Array | null {
  if (!shared || isAllZero(shared)) return null
  const key = new Uint8Array(32)
  hsalsa20(key, ZERO_NONCE, shared, SIGMA)
  return key
}

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

/** Tests only: compute with tweetnacl again (or with libsodium, once loaded). */
export async function useNaclBackend(name: Primitives["name"]): Promise<void> {
  if (name === "tweetnacl") {
    active = TWEETNACL
    return
  }
  loading = undefined
  await loadSodium()
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
