// lib/util/crc32.ts lives in util/ but is tested here: the journal is its only user so far.
import t from "tap"
import { randomBytes } from "node:crypto"
import * as zlib from "node:zlib"
import { crc32, crc32js } from "../../lib/util/crc32.js"

t.test("crc32 matches the standard check values", async (t) => {
  for (const f of [crc32, crc32js]) {
    t.equal(f(Buffer.from("123456789")), 0xcbf43926, "the CRC-32/ISO-HDLC check value")
    t.equal(f(Buffer.alloc(0)), 0)
    t.equal(f(Buffer.from("The quick brown fox jumps over the lazy dog")), 0x414fa339)
  }
})

t.test("crc32js continues across chunks and agrees with zlib where Node has it", async (t) => {
  const native = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32
  for (let n = 0; n < 200; n++) {
    const data = randomBytes(n * 13)
    const split = Math.floor(data.length / 3)
    const whole = crc32js(data)
    if (crc32js(data.subarray(split), crc32js(data.subarray(0, split))) !== whole) t.fail(`chained at ${n}`)
    if (crc32(data) !== whole) t.fail(`crc32 differs at ${n}`)
    if (native && native(data) !== whole) t.fail(`zlib.crc32 differs at ${n}`)
  }
  t.pass("200 random buffers agree")
})
