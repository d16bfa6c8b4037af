// The NaCl seam (lib/security/nacl.ts): libsodium (WebAssembly) and tweetnacl must compute the
// same bytes, since a process starts on tweetnacl and switches once libsodium has loaded, possibly
// in the middle of a connection. Also: failures are null (never a throw), and loading is lazy.
import t from "tap"
import tweetnacl from "tweetnacl"
import * as nacl from "../../lib/security/nacl.js"

const SIZES = [0, 1, 16, 17, 255, 4096, 65537]

t.test("tweetnacl serves until libsodium is asked for", async (t) => {
  t.equal(nacl.naclBackend(), "tweetnacl")
  await nacl.loadSodium()
  t.equal(nacl.naclBackend(), "libsodium", "loadSodium() resolves with libsodium active")
  t.equal(nacl.loadSodium(), nacl.loadSodium(), "one load per process")
})

t.test("libsodium and tweetnacl agree byte for byte", async (t) => {
  await nacl.useNaclBackend("libsodium")
  const a = tweetnacl.box.keyPair()
  const b = tweetnacl.box.keyPair()
  const nonce = tweetnacl.randomBytes(24)
  const key = nacl.beforenm(a.publicKey, b.secretKey)
  t.same(Buffer.from(key), Buffer.from(tweetnacl.box.before(a.publicKey, b.secretKey)), "beforenm")
  t.same(Buffer.from(nacl.publicKeyOf(a.secretKey)), Buffer.from(a.publicKey), "public key of a secret key")
  const pair = nacl.keyPair()
  t.same(Buffer.from(tweetnacl.scalarMult.base(pair.secretKey)), Buffer.from(pair.publicKey), "libsodium key pairs are Curve25519 pairs")
  for (const size of SIZES) {
    const message = tweetnacl.randomBytes(size)
    const sealed = nacl.boxAfter(message, nonce, key)
    t.same(Buffer.from(sealed), Buffer.from(tweetnacl.box.after(message, nonce, key)), `box ${size} B`)
    t.same(Buffer.from(nacl.openAfter(sealed, nonce, key)!), Buffer.from(message), `open ${size} B`)
    t.same(Buffer.from(nacl.box(message, nonce, a.publicKey, b.secretKey)), Buffer.from(tweetnacl.box(message, nonce, a.publicKey, b.secretKey)), `one-off box ${size} B`)
    t.same(Buffer.from(nacl.boxOpen(sealed, nonce, b.publicKey, a.secretKey)!), Buffer.from(message), `one-off open ${size} B from the other side`)
    const frame = Buffer.alloc(3 + 17 + size, 0xee)
    nacl.sealInto(frame, 3, 0x01, message, nonce, key)
    t.same(frame.subarray(3), Buffer.from(tweetnacl.box.after(Buffer.concat([Buffer.from([0x01]), message]), nonce, key)), `sealInto ${size} B`)
    t.same(frame.subarray(0, 3), Buffer.alloc(3, 0xee), "sealInto writes nothing before its offset")
  }
})

for (const backend of ["libsodium", "tweetnacl"] as const) {
  t.test(`${backend}: openInPlace leaves tweetnacl's plaintext over the ciphertext`, async (t) => {
    await nacl.useNaclBackend(backend)
    const key = nacl.randomBytes(32)
    const nonce = nacl.randomBytes(24)
    for (const size of SIZES) {
      const message = tweetnacl.randomBytes(size)
      const sealed = Uint8Array.from(tweetnacl.box.after(message, nonce, key))
      const mac = sealed.slice(0, 16)
      t.equal(nacl.openInPlace(sealed, nonce, key), true, `opens ${size} B`)
      t.same(Buffer.from(sealed.subarray(16)), Buffer.from(message), `plaintext in place ${size} B`)
      t.same(Buffer.from(sealed.subarray(0, 16)), Buffer.from(mac), "the MAC octets stay")
    }
    const sealed = Uint8Array.from(tweetnacl.box.after(Buffer.from("hello"), nonce, key))
    sealed[20]! ^= 1
    const before = Uint8Array.from(sealed)
    t.equal(nacl.openInPlace(sealed, nonce, key), false, "tampered: false")
    t.same(Buffer.from(sealed), Buffer.from(before), "a box that does not open is left as it was")
    t.equal(nacl.openInPlace(new Uint8Array(15), nonce, key), false, "shorter than a MAC")
    await nacl.useNaclBackend("libsodium")
  })
}

for (const backend of ["libsodium", "tweetnacl"] as const) {
  t.test(`${backend}: a box that does not open is null, never a throw`, async (t) => {
    await nacl.useNaclBackend(backend)
    t.equal(nacl.naclBackend(), backend)
    const key = nacl.randomBytes(32)
    const nonce = nacl.randomBytes(24)
    const sealed = nacl.boxAfter(Buffer.from("hello"), nonce, key)
    const tampered = Uint8Array.from(sealed)
    tampered[tampered.length - 1]! ^= 1
    t.equal(nacl.openAfter(tampered, nonce, key), null, "tampered ciphertext")
    t.equal(nacl.openAfter(sealed, nacl.randomBytes(24), key), null, "wrong nonce")
    t.equal(nacl.openAfter(sealed.subarray(0, 15), nonce, key), null, "shorter than a MAC")
    t.equal(nacl.openAfter(new Uint8Array(0), nonce, key), null, "empty")
    t.same(Buffer.from(nacl.openAfter(sealed, nonce, key)!), Buffer.from("hello"))
  })
}

t.test("a stream sealed by one backend opens with the other (switching mid-connection)", async (t) => {
  const key = nacl.randomBytes(32)
  const nonce = nacl.randomBytes(24)
  await nacl.useNaclBackend("tweetnacl")
  const early = nacl.boxAfter(Buffer.from("before the switch"), nonce, key)
  await nacl.useNaclBackend("libsodium")
  t.equal(String(Buffer.from(nacl.openAfter(early, nonce, key)!)), "before the switch")
  const late = nacl.boxAfter(Buffer.from("after the switch"), nonce, key)
  await nacl.useNaclBackend("tweetnacl")
  t.equal(String(Buffer.from(nacl.openAfter(late, nonce, key)!)), "after the switch")
  await nacl.useNaclBackend("libsodium")
})
