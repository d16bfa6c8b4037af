// What every NaCl implementation behind nacl.ts provides (tweetnacl, libsodium's WebAssembly,
// sodium-native): its own file so that implementations and the seam that picks one import it
// without a cycle.

/** Poly1305 MAC octets in front of every box. */
export const MAC_SIZE = 16

/** Whether every octet is zero (an X25519 result with a small-order key), in time independent of the contents. */
export function isAllZero(octets: Uint8Array): boolean {
  let bits = 0
  for (let i = 0; i < octets.length; i++) bits |= octets[i]!
  return bits === 0
}

export interface KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** One implementation of the primitives. `open*` return null when the box does not open. */
export interface Primitives {
  readonly name: "sodium-native" | "libsodium" | "tweetnacl"
  keyPair(): KeyPair
  /** Curve25519 public key of a secret key (scalar multiplication by the base point). */
  publicKeyOf(secretKey: Uint8Array): Uint8Array
  /**
   * The precomputed key of a box between publicKey and secretKey (crypto_box_beforenm), or null
   * for a small-order publicKey (an all-zero shared secret, as libsodium refuses it).
   */
  beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null
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
