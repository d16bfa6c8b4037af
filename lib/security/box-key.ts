// crypto_box_beforenm's last step, shared by every backend that computes the Curve25519 shared
// secret some other way (node:crypto's X25519, sodium-native's crypto_scalarmult): HSalsa20 of
// the secret with a zero nonce turns it into the key of XSalsa20-Poly1305 boxes.
import tweetnacl from "tweetnacl"
import { isAllZero } from "./primitives.js"

/** tweetnacl's lower level (not in its typings): HSalsa20, which turns a shared secret into a box key. */
const { crypto_core_hsalsa20: hsalsa20 } = (tweetnacl as unknown as {
  lowlevel: { crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, constant: Uint8Array): void }
}).lowlevel
const ZERO_NONCE = new Uint8Array(16)
const SIGMA = new Uint8Array(Buffer.from("expand 32-byte k", "latin1"))

/**
 * crypto_box_beforenm from an X25519 shared secret; null for none or an all-zero one (a
 * small-order public key, which libsodium refuses too).
 */
export function boxKeyOf(shared: Uint8Array | null): Uint8Array | null {
  if (!shared || isAllZero(shared)) return null
  const key = new Uint8Array(32)
  hsalsa20(key, ZERO_NONCE, shared, SIGMA)
  return key
}
