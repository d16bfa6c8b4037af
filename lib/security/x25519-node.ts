// X25519 (RFC 7748) through node:crypto, i.e. the runtime's native OpenSSL/BoringSSL: a shared
// secret costs ~32 µs with ready key objects, against 74-115 µs in libsodium's WebAssembly (the
// CURVE handshake computes three per side). nacl.ts uses it when the runtime's node:crypto passes
// a known-answer check, run at the first CURVE use (Node; Bun and Deno if theirs works), and
// falls back otherwise (browsers: the bundle's node:crypto shim has no key objects).
//
// Only the shared secret comes from here. Key pairs stay with libsodium: node's
// generateKeyPairSync is faster, but reading the raw keys back out (export as JWK) deadlocked a
// Node 20.20 process (the key-generation job's destructor, run by a GC inside the export, waits
// on the lock the export holds), and the CURVE server needs its raw short-term secret key (it
// goes into the cookie).
import * as nodeCrypto from "node:crypto"
import { isAllZero } from "./primitives.js"

type KeyObject = nodeCrypto.KeyObject

/** Private key objects of long-term keys, by contents (socket options hand over fresh copies). */
const LONG_TERM_CACHE = 16
const byContents = new Map<string, KeyObject>()
/** Private key objects of short-term keys, by identity: they live as long as their handshake. */
const byIdentity = new WeakMap<Uint8Array, { copy: Buffer; key: KeyObject }>()

const base64url = (octets: Uint8Array): string => Buffer.from(octets.buffer, octets.byteOffset, octets.length).toString("base64url")

function importPrivate(secretKey: Uint8Array, publicKey: Uint8Array): KeyObject {
  return nodeCrypto.createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: base64url(secretKey), x: base64url(publicKey) }, format: "jwk" })
}

/**
 * The key object of secretKey. Importing costs ~37 µs (a JWK: the PKCS#8 DER form measured
 * 340 µs), more than the multiplication, so each key is imported once: short-term keys (adopt())
 * are found by the array (checked against a copy, in case the caller reused it), long-term ones
 * by contents in a small LRU map.
 */
function privateKeyOf(secretKey: Uint8Array, publicKeyOf: (secretKey: Uint8Array) => Uint8Array): KeyObject {
  const known = byIdentity.get(secretKey)
  if (known?.copy.equals(secretKey)) return known.key
  const contents = Buffer.from(secretKey).toString("latin1")
  let key = byContents.get(contents)
  if (key) {
    byContents.delete(contents) // re-inserted below: Map order is the LRU order
  } else {
    key = importPrivate(secretKey, publicKeyOf(secretKey))
  }
  byContents.set(contents, key)
  if (byContents.size > LONG_TERM_CACHE) byContents.delete(byContents.keys().next().value!)
  return key
}

export interface NodeX25519 {
  /**
   * X25519(secretKey, publicKey), or null when it is all zero (a small-order public key: the
   * "shared" secret would be known to anyone) or the runtime refuses the key.
   */
  sharedSecret(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null
  /** Marks a key pair as short-term (one handshake): its key object is kept with the array. */
  adopt(secretKey: Uint8Array, publicKey: Uint8Array): void
}

function create(publicKeyOf: (secretKey: Uint8Array) => Uint8Array): NodeX25519 {
  return {
    sharedSecret(publicKey, secretKey) {
      try {
        const peer = nodeCrypto.createPublicKey({ key: { kty: "OKP", crv: "X25519", x: base64url(publicKey) }, format: "jwk" })
        const secret = nodeCrypto.diffieHellman({ privateKey: privateKeyOf(secretKey, publicKeyOf), publicKey: peer })
        return secret.length === 32 && !isAllZero(secret) ? secret : null
      } catch {
        // OpenSSL refuses an all-zero result itself (Node throws); other runtimes may not
        return null
      }
    },
    adopt(secretKey, publicKey) {
      if (byIdentity.has(secretKey)) return
      try {
        byIdentity.set(secretKey, { copy: Buffer.from(secretKey), key: importPrivate(secretKey, publicKey) })
      } catch {
        // imported again (and then refused) when used
      }
    },
  }
}

/**
 * node:crypto's X25519 if this runtime has it and it computes what `reference` (another X25519,
 * e.g. tweetnacl's scalarMult) does;
 * otherwise undefined. The check: one random pair, and the all-zero point must be refused.
 */
export function nodeX25519(
  publicKeyOf: (secretKey: Uint8Array) => Uint8Array,
  reference: (secretKey: Uint8Array, publicKey: Uint8Array) => Uint8Array,
  random: (length: number) => Uint8Array,
): NodeX25519 | undefined {
  if (typeof nodeCrypto.diffieHellman !== "function" || typeof nodeCrypto.createPrivateKey !== "function") return undefined
  try {
    const candidate = create(publicKeyOf)
    const a = random(32)
    const b = random(32)
    const shared = candidate.sharedSecret(publicKeyOf(b), a)
    const expected = reference(a, publicKeyOf(b))
    if (!shared || !Buffer.from(shared).equals(Buffer.from(expected))) return undefined
    if (candidate.sharedSecret(new Uint8Array(32), a) !== null) return undefined // must refuse the zero point
    return candidate
  } catch {
    return undefined
  } finally {
    byContents.clear() // the check's keys
  }
}
