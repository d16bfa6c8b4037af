// The NaCl seam (lib/security/nacl.ts): sodium-native (an optional native addon, a devDependency
// here), libsodium (WebAssembly) and tweetnacl must compute the same bytes, since a process
// starts on tweetnacl and switches once libsodium has loaded, possibly in the middle of a
// connection, and with sodium-native the WebAssembly still boxes small messages. Also: failures
// are null (never a throw), and loading is lazy.
// beforenm's X25519 comes from node:crypto where it works (x25519-node.ts): it must agree with
// all of them, pass RFC 7748's test vector, and refuse small-order public keys as libsodium does.
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import t, { type Test } from "tap"
import tweetnacl from "tweetnacl"
import * as nacl from "../../lib/security/nacl.js"
import { nodeX25519 } from "../../lib/security/x25519-node.js"

const SIZES = [0, 1, 16, 17, 255, 511, 512, 4096, 65537]
const BACKENDS = ["sodium-native", "libsodium", "tweetnacl"] as const

t.test("tweetnacl serves until libsodium is asked for; sodium-native is preferred where installed", async (t) => {
  t.equal(nacl.naclBackend(), "tweetnacl")
  await nacl.loadSodium()
  t.equal(nacl.naclBackend(), "sodium-native", "loadSodium() resolves with sodium-native (and libsodium for small boxes) active")
  t.equal(nacl.loadSodium(), nacl.loadSodium(), "one load per process")
  checkAgainstTweetnacl(t, "sodium-native, libsodium below 512 B")
})

t.test(`${nacl.SODIUM_ENV}=wasm keeps CURVE on libsodium's WebAssembly`, async (t) => {
  const module = new URL("../../lib/security/nacl.js", import.meta.url).href
  const script = `const n = await import(${JSON.stringify(module)}); await n.loadSodium(); console.log(n.naclBackend())`
  const run = (env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env, timeout: 20_000 })
  t.equal((await run({ ...process.env, [nacl.SODIUM_ENV]: "wasm" })).stdout.trim(), "libsodium")
  t.equal((await run({ ...process.env, [nacl.SODIUM_ENV]: "" })).stdout.trim(), "sodium-native", "unset: sodium-native")
})

for (const backend of ["sodium-native", "libsodium"] as const) {
  t.test(`${backend} and tweetnacl agree byte for byte`, async (t) => {
    t.equal(await nacl.useNaclBackend(backend), true, `${backend} loads here`)
    checkAgainstTweetnacl(t, backend)
    await nacl.useNaclBackend("libsodium")
  })
}

function checkAgainstTweetnacl(t: Test, label: string): void {
  nacl.useNodeX25519(false)
  t.teardown(() => void nacl.useNodeX25519(true))
  t.equal(nacl.x25519Backend(), nacl.naclBackend(), `${label}: its own X25519 for beforenm`)
  const a = tweetnacl.box.keyPair()
  const b = tweetnacl.box.keyPair()
  const nonce = tweetnacl.randomBytes(24)
  const key = nacl.beforenm(a.publicKey, b.secretKey)!
  t.same(Buffer.from(key), Buffer.from(tweetnacl.box.before(a.publicKey, b.secretKey)), "beforenm")
  t.same(Buffer.from(nacl.publicKeyOf(a.secretKey)), Buffer.from(a.publicKey), "public key of a secret key")
  const pair = nacl.keyPair()
  t.same(Buffer.from(tweetnacl.scalarMult.base(pair.secretKey)), Buffer.from(pair.publicKey), `${label} key pairs are Curve25519 pairs`)
  for (const size of SIZES) {
    const message = tweetnacl.randomBytes(size)
    const sealed = nacl.boxAfter(message, nonce, key)
    t.same(Buffer.from(sealed), Buffer.from(tweetnacl.box.after(message, nonce, key)), `box ${size} B`)
    t.same(Buffer.from(nacl.openAfter(sealed, nonce, key)!), Buffer.from(message), `open ${size} B`)
    t.same(Buffer.from(nacl.box(message, nonce, a.publicKey, b.secretKey)!), Buffer.from(tweetnacl.box(message, nonce, a.publicKey, b.secretKey)), `one-off box ${size} B`)
    t.same(Buffer.from(nacl.boxOpen(sealed, nonce, b.publicKey, a.secretKey)!), Buffer.from(message), `one-off open ${size} B from the other side`)
    const frame = Buffer.alloc(3 + 17 + size + 2, 0xee)
    nacl.sealInto(frame, 3, 0x01, message, nonce, key)
    t.same(frame.subarray(3, 3 + 17 + size), Buffer.from(tweetnacl.box.after(Buffer.concat([Buffer.from([0x01]), message]), nonce, key)), `sealInto ${size} B`)
    t.same(frame.subarray(0, 3), Buffer.alloc(3, 0xee), "sealInto writes nothing before its offset")
    t.same(frame.subarray(3 + 17 + size), Buffer.alloc(2, 0xee), "nor after its box")
  }
}

for (const backend of BACKENDS) {
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

for (const backend of BACKENDS) {
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

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"))
/** RFC 7748 section 6.1 (Curve25519 Diffie-Hellman test vector). */
const RFC7748 = {
  alice: hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
  alicePublic: hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
  bob: hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
  bobPublic: hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"),
  shared: "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
}
/** Public keys of small order (0, 1, and a point of order 8): X25519 with them is all zero. */
const SMALL_ORDER = [
  new Uint8Array(32),
  hex("0100000000000000000000000000000000000000000000000000000000000000"),
  hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
]
const reference = (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array => tweetnacl.scalarMult(secretKey, publicKey)

t.test("node:crypto's X25519 passes RFC 7748's test vector and serves beforenm on Node", async (t) => {
  const x25519 = nodeX25519(tweetnacl.scalarMult.base, reference, tweetnacl.randomBytes)
  if (!x25519) return t.fail("node:crypto has a working X25519 on Node")
  t.equal(Buffer.from(x25519.sharedSecret(RFC7748.bobPublic, RFC7748.alice)!).toString("hex"), RFC7748.shared, "Alice's side")
  t.equal(Buffer.from(x25519.sharedSecret(RFC7748.alicePublic, RFC7748.bob)!).toString("hex"), RFC7748.shared, "Bob's side")
  x25519.adopt(RFC7748.bob, RFC7748.bobPublic)
  t.equal(Buffer.from(x25519.sharedSecret(RFC7748.alicePublic, RFC7748.bob)!).toString("hex"), RFC7748.shared, "an adopted key pair")
  const reused = Uint8Array.from(RFC7748.bob)
  x25519.adopt(reused, RFC7748.bobPublic)
  reused.set(RFC7748.alice)
  t.equal(Buffer.from(x25519.sharedSecret(RFC7748.bobPublic, reused)!).toString("hex"), RFC7748.shared, "an adopted array changed later: its new contents count")
  t.equal(nacl.useNodeX25519(true), true)
  t.equal(nacl.x25519Backend(), "node:crypto")
})

for (const backend of BACKENDS) {
  t.test(`node:crypto's beforenm agrees with tweetnacl's box.before (boxes by ${backend})`, async (t) => {
    await nacl.useNaclBackend(backend)
    nacl.useNodeX25519(true)
    for (let i = 0; i < 20; i++) {
      const a = tweetnacl.box.keyPair()
      const b = i % 2 ? nacl.keyPair() : tweetnacl.box.keyPair() // keyPair() adopts its pair
      t.same(Buffer.from(nacl.beforenm(a.publicKey, b.secretKey)!), Buffer.from(tweetnacl.box.before(a.publicKey, b.secretKey)))
      t.same(Buffer.from(nacl.beforenm(b.publicKey, a.secretKey)!), Buffer.from(tweetnacl.box.before(b.publicKey, a.secretKey)))
    }
    await nacl.useNaclBackend("libsodium")
  })
}

for (const [backend, native] of [["libsodium", true], ["sodium-native", false], ["libsodium", false], ["tweetnacl", false]] as const) {
  t.test(`${native ? "node:crypto" : backend}: a small-order public key has no box key (null, never a throw)`, async (t) => {
    await nacl.useNaclBackend(backend)
    nacl.useNodeX25519(native)
    t.teardown(() => void nacl.useNodeX25519(true))
    const own = nacl.keyPair()
    const nonce = nacl.randomBytes(24)
    for (const point of SMALL_ORDER) {
      t.equal(nacl.beforenm(point, own.secretKey), null, `beforenm ${Buffer.from(point).toString("hex").slice(0, 8)}...`)
      t.equal(nacl.box(Buffer.from("x"), nonce, point, own.secretKey), null, "box")
      t.equal(nacl.boxOpen(new Uint8Array(17), nonce, point, own.secretKey), null, "boxOpen")
    }
    await nacl.useNaclBackend("libsodium")
  })
}
