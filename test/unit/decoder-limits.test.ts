// Lying length headers cost nothing: oversize claims are refused while the header is parsed,
// before any body octet is buffered, and no frame is pre-allocated from its announced size.
import t from "tap"
import type { ZmqError } from "../../lib/errors.js"
import { FrameDecoder } from "../../lib/zmtp/decoder.js"

const MiB = 1024 * 1024

interface Calls { messages: Buffer[][]; commands: Buffer[]; errors: ZmqError[]; total: number }

function counted(maxFrameSize: number): { decoder: FrameDecoder; calls: Calls } {
  const calls: Calls = { messages: [], commands: [], errors: [], total: 0 }
  const decoder = new FrameDecoder({
    onMessage: (frames) => { calls.total++; calls.messages.push(frames) },
    onCommand: (body) => { calls.total++; calls.commands.push(body) },
    onDecodeError: (error) => { calls.total++; calls.errors.push(error) },
  }, maxFrameSize)
  return { decoder, calls }
}

function longHeader(flags: number, size: bigint): Buffer {
  const header = Buffer.alloc(9)
  header[0] = flags | 0x02
  header.writeBigUInt64BE(size, 1)
  return header
}

/** Octets the decoder holds on to (private state, read for the test only). */
function retained(decoder: FrameDecoder): number {
  const d = decoder as unknown as { parts: Buffer[]; frames: Buffer[] }
  return d.parts.reduce((n, b) => n + b.length, 0) + d.frames.reduce((n, b) => n + b.length, 0)
}

for (const [name, size] of [["2^63", 1n << 63n], ["2^64-1", (1n << 64n) - 1n]] as const) {
  for (const limit of [MiB, -1]) {
    t.test(`a ${name} length claim is refused at header time (maxMessageSize ${limit})`, async (t) => {
      const { decoder, calls } = counted(limit)
      decoder.push(longHeader(0x00, size))
      t.equal(calls.errors.length, 1, "refused by the header alone")
      t.equal(calls.errors[0]!.code, "ERR_ZMTP_MESSAGE_TOO_LARGE")
      t.equal(calls.total, 1, "no message or command before the error")
      const chunk = Buffer.alloc(64 * 1024, 0x41) // reused: the test itself allocates nothing more
      for (let sent = 0; sent < 10 * MiB; sent += chunk.length) decoder.push(chunk)
      t.equal(calls.total, 1, "10 MiB later: no further sink calls")
      t.equal(retained(decoder), 0, "nothing retained")
      t.equal(decoder.midMessage, false)
    })
  }
}

t.test("a refused header in the middle of a chunk stops decoding right there", async (t) => {
  const { decoder, calls } = counted(MiB)
  decoder.push(Buffer.concat([Buffer.of(0x01, 0x01, 0x61), longHeader(0x00, 1n << 63n), Buffer.of(0x00, 0x01, 0x62)]))
  t.equal(calls.messages.length, 0, "the open multipart message is dropped, not delivered half")
  t.equal(calls.errors.length, 1)
  t.equal(retained(decoder), 0)
})

t.test("the long header is refused even when it arrives one octet at a time", async (t) => {
  const { decoder, calls } = counted(MiB)
  const header = longHeader(0x04, BigInt(MiB + 1))
  for (const octet of header) decoder.push(Buffer.of(octet))
  t.equal(calls.errors.length, 1)
  t.equal(calls.errors[0]!.code, "ERR_ZMTP_MESSAGE_TOO_LARGE", "commands are limited too")
})

t.test("without a limit, a 1 GiB claim does not pre-allocate: memory follows what arrives", async (t) => {
  const { decoder, calls } = counted(-1)
  globalThis.gc?.()
  const before = process.memoryUsage().arrayBuffers
  decoder.push(longHeader(0x00, 1n << 30n))
  for (let i = 0; i < 16; i++) decoder.push(Buffer.alloc(64 * 1024, i)) // 1 MiB of fresh chunks
  const grown = process.memoryUsage().arrayBuffers - before
  t.equal(calls.total, 0, "nothing delivered yet")
  t.equal(retained(decoder), MiB, "exactly what arrived is held")
  t.ok(grown < 32 * MiB, `arrayBuffers grew by ${(grown / MiB).toFixed(1)} MiB, not 1 GiB`)
  t.equal(decoder.midMessage, true)
})

t.test("maxMessageSize is per frame, as libzmq checks it", async (t) => {
  t.test("two frames each under the limit pass, though together they exceed it", async (t) => {
    const { decoder, calls } = counted(100)
    decoder.push(Buffer.concat([Buffer.of(0x01, 60), Buffer.alloc(60, 1), Buffer.of(0x00, 60), Buffer.alloc(60, 2)]))
    t.equal(calls.errors.length, 0)
    t.equal(calls.messages.length, 1)
    t.same(calls.messages[0]!.map((f) => f.length), [60, 60])
  })

  t.test("a frame of exactly the limit passes, one octet more is refused before its body", async (t) => {
    const { decoder, calls } = counted(100)
    decoder.push(Buffer.concat([Buffer.of(0x00, 100), Buffer.alloc(100)]))
    t.equal(calls.messages.length, 1)
    decoder.push(Buffer.of(0x00, 101))
    t.equal(calls.errors.length, 1, "refused on the short header")
    t.equal(calls.errors[0]!.code, "ERR_ZMTP_MESSAGE_TOO_LARGE")
    decoder.push(Buffer.alloc(101))
    t.equal(calls.total, 2, "the body that follows is ignored")
  })

  t.test("a 150-octet command (e.g. READY) is limited like a message frame", async (t) => {
    const { decoder, calls } = counted(100)
    decoder.push(Buffer.of(0x04, 150))
    t.equal(calls.errors[0]?.code, "ERR_ZMTP_MESSAGE_TOO_LARGE")
  })

  t.test("a long-form header with a small size is checked against the limit like any other", async (t) => {
    const { decoder, calls } = counted(100)
    decoder.push(Buffer.concat([longHeader(0x00, 100n), Buffer.alloc(100)]))
    decoder.push(longHeader(0x00, 101n))
    t.equal(calls.messages.length, 1)
    t.equal(calls.errors.length, 1)
  })

  t.test("maxMessageSize 0 allows only empty frames", async (t) => {
    const { decoder, calls } = counted(0)
    decoder.push(Buffer.of(0x01, 0x00, 0x00, 0x00))
    t.same(calls.messages, [[Buffer.alloc(0), Buffer.alloc(0)]])
    decoder.push(Buffer.of(0x00, 0x01))
    t.equal(calls.errors.length, 1)
  })
})
