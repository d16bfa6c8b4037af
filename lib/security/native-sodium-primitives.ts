// libsodium as a native addon (the optional package sodium-native, prebuilt for the common
// platforms: nothing is compiled at install) behind primitives.ts's Primitives. Its boxes take
// about a third of the CPU time of libsodium's WebAssembly (64 KiB: 42 against 144 µs here), and
// it works on caller memory, so a MESSAGE is sealed and opened where it lies in its frame, with
// no copy in or out. brokerless never requires it: see nacl.ts for how it is chosen.
import { boxKeyOf } from "./box-key.js"
import { MAC_SIZE, type Primitives } from "./primitives.js"

/** The subset of sodium-native used here. Outputs come first; all arguments are Buffers or views. */
export interface NativeSodium {
  crypto_box_keypair(publicKey: Uint8Array, secretKey: Uint8Array): void
  crypto_scalarmult_base(publicKey: Uint8Array, secretKey: Uint8Array): void
  crypto_scalarmult(shared: Uint8Array, secretKey: Uint8Array, publicKey: Uint8Array): void
  crypto_secretbox_detached(cipher: Uint8Array, mac: Uint8Array, message: Uint8Array, nonce: Uint8Array, key: Uint8Array): void
  crypto_secretbox_open_detached(message: Uint8Array, cipher: Uint8Array, mac: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean
  randombytes_buf(out: Uint8Array): void
}

export function nativeSodiumPrimitives(sodium: NativeSodium): Primitives {
  // box_afternm is secretbox with the precomputed key; "detached" puts the MAC where we say,
  // and libsodium allows the cipher text to overwrite the message in place (same address).
  const sealAt = (mac: Uint8Array, message: Uint8Array, nonce: Uint8Array, key: Uint8Array): void =>
    sodium.crypto_secretbox_detached(message, mac, message, nonce, key)
  const openAt = (box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean => {
    if (box.length < MAC_SIZE) return false
    const cipher = box.subarray(MAC_SIZE)
    return sodium.crypto_secretbox_open_detached(cipher, cipher, box.subarray(0, MAC_SIZE), nonce, key)
  }
  return {
    name: "sodium-native",
    keyPair: () => {
      const pair = { publicKey: new Uint8Array(32), secretKey: new Uint8Array(32) }
      sodium.crypto_box_keypair(pair.publicKey, pair.secretKey)
      return pair
    },
    publicKeyOf: (secretKey) => {
      const publicKey = new Uint8Array(32)
      sodium.crypto_scalarmult_base(publicKey, secretKey)
      return publicKey
    },
    beforenm: (publicKey, secretKey) => {
      const shared = new Uint8Array(32)
      try {
        sodium.crypto_scalarmult(shared, secretKey, publicKey)
      } catch {
        return null // libsodium refuses a small-order key (an all-zero result)
      }
      return boxKeyOf(shared)
    },
    boxAfter: (message, nonce, key) => {
      const box = new Uint8Array(MAC_SIZE + message.length)
      box.set(message, MAC_SIZE)
      sealAt(box.subarray(0, MAC_SIZE), box.subarray(MAC_SIZE), nonce, key)
      return box
    },
    openAfter: (box, nonce, key) => {
      const copy = new Uint8Array(box)
      return openAt(copy, nonce, key) ? copy.subarray(MAC_SIZE) : null
    },
    // libsodium checks the MAC before it decrypts: a box that does not open is left as it was
    openInPlace: openAt,
    sealInto: (out, offset, flags, body, nonce, key) => {
      const message = out.subarray(offset + MAC_SIZE, offset + MAC_SIZE + 1 + body.length)
      message[0] = flags
      message.set(body, 1)
      sealAt(out.subarray(offset, offset + MAC_SIZE), message, nonce, key)
    },
    randomBytes: (length) => {
      const out = new Uint8Array(length)
      sodium.randombytes_buf(out)
      return out
    },
  }
}
