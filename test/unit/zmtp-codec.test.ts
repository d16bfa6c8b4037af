// The pure ZMTP codec: frame encode/decode round trips at every size boundary, arbitrary
// chunking (fast-check), greeting, metadata and command bytes checked against docs/wire-notes.md §11.
import { constants as bufferConstants } from "node:buffer"
import { isDeepStrictEqual } from "node:util"
import t from "tap"
import fc from "fast-check"
import type { ZmqError } from "../../lib/errors.js"
import { encodeLocalReady } from "../../lib/zmtp/ready.js"
import {
  encodeCommand, encodeError, encodePing, encodePong, encodeReady, encodeSubscription, parseCommand,
  parseErrorReason, parsePing,
} from "../../lib/zmtp/command.js"
import { MAX_METADATA_PROPERTIES } from "../../lib/zmtp/constants.js"
import { FrameDecoder } from "../../lib/zmtp/decoder.js"
import { COPY_LIMIT, encodeMessages, packBuffer, recyclePacked, writeHeader } from "../../lib/zmtp/encoder.js"
import { checkGreetingPrefix, effectiveMinor, encodeGreeting, parseGreeting } from "../../lib/zmtp/greeting.js"
import { metadataSize, parseMetadata, writeMetadata } from "../../lib/zmtp/metadata.js"

type Event = { message: Buffer[] } | { command: Buffer } | { error: ZmqError }

/** A decoder that records everything it hands out, copying (views may alias reused input). */
function recorder(maxFrameSize = -1): { decoder: FrameDecoder; events: Event[] } {
  const events: Event[] = []
  const decoder = new FrameDecoder({
    onMessage: (frames) => events.push({ message: frames.map((f) => Buffer.from(f)) }),
    onCommand: (body) => events.push({ command: Buffer.from(body) }),
    onDecodeError: (error) => events.push({ error }),
  }, maxFrameSize)
  return { decoder, events }
}

function encode(messages: Buffer[][]): Buffer {
  const out: Buffer[] = []
  encodeMessages(messages, out)
  return Buffer.concat(out)
}

function decodeWhole(bytes: Buffer): Event[] {
  const { decoder, events } = recorder()
  decoder.push(bytes)
  return events
}

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex")
}

const SIZES = [0, 1, 255, 256, 4095, COPY_LIMIT, 64 * 1024, 1024 * 1024]

t.test("frames: encode -> decode round trips", async (t) => {
  for (const size of SIZES) {
    t.test(`${size} octets`, async (t) => {
      const body = Buffer.alloc(size)
      for (let i = 0; i < size; i++) body[i] = (i * 31 + 7) & 0xff
      const bytes = encode([[body]])
      const long = size > 255
      t.equal(bytes[0], long ? 0x02 : 0x00, long ? "long form from 256 octets" : "short form up to 255 octets")
      t.equal(bytes.length, (long ? 9 : 2) + size, "header + body, nothing else")
      const events = decodeWhole(bytes)
      t.equal(events.length, 1)
      const first = events[0]!
      t.ok("message" in first && first.message.length === 1 && first.message[0]!.equals(body), "same bytes back")
    })
  }

  t.test("encodeMessages passes bodies of COPY_LIMIT octets and more by reference", async (t) => {
    const big = Buffer.alloc(COPY_LIMIT, 1)
    const small = Buffer.alloc(COPY_LIMIT - 1, 2)
    const out: Buffer[] = []
    encodeMessages([[small, big]], out)
    t.ok(out.includes(big), "the large body is its own buffer")
    t.notOk(out.includes(small), "the small body is copied into the packed run")
  })

  t.test("multipart with empty frames", async (t) => {
    const message = [Buffer.from("head"), Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(300, 9), Buffer.alloc(0)]
    const bytes = encode([message, [Buffer.alloc(0)], [Buffer.from("hi"), Buffer.alloc(0)]])
    t.ok(bytes.subarray(bytes.length - 6).equals(hex("01 02 68 69 00 00")), `["hi", ""] is 01 02 68 69 00 00 (§11)`)
    const events = decodeWhole(bytes)
    t.same(events.map((e) => ("message" in e ? e.message.map((f) => f.toString("hex")) : e)), [
      message.map((f) => f.toString("hex")), [""], [Buffer.from("hi").toString("hex"), ""],
    ])
  })

  t.test("all 256 byte values, as one frame and as 256 one-octet frames", async (t) => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    const single = Array.from({ length: 256 }, (_, i) => Buffer.of(i))
    const events = decodeWhole(encode([[all], single]))
    t.equal(events.length, 2)
    t.ok("message" in events[0]! && events[0].message[0]!.equals(all))
    t.ok("message" in events[1]! && events[1].message.every((f, i) => f.length === 1 && f[0] === i))
  })

  t.test("a long size encoding a small length is accepted (libzmq does)", async (t) => {
    const events = decodeWhole(hex("02 00 00 00 00 00 00 00 01 5a"))
    t.same(events, [{ message: [Buffer.from("Z")] }])
  })

  t.test("reserved flag bits are ignored", async (t) => {
    const events = decodeWhole(hex("80 01 41 f9 01 42 f8 01 43"))
    // 0x80: last frame; 0xf9: MORE + reserved; 0xf8: last, reserved bits only.
    t.same(events.map((e) => ("message" in e ? e.message.map(String) : e)), [["A"], ["B", "C"]])
  })
})

t.test("byte-at-a-time decoding equals whole decoding", async (t) => {
  const messages = [
    [Buffer.alloc(0)], [Buffer.from("x")], [Buffer.alloc(255, 3), Buffer.alloc(256, 4)],
    [Buffer.alloc(5000, 5), Buffer.alloc(0), Buffer.from("tail")],
  ]
  const bytes = Buffer.concat([encode(messages.slice(0, 2)), encodeCommand("PING", hex("00 0a 78 79")), encode(messages.slice(2))])
  const whole = decodeWhole(bytes)
  const { decoder, events } = recorder()
  for (let i = 0; i < bytes.length; i++) decoder.push(bytes.subarray(i, i + 1))
  t.same(events, whole)
  t.equal(whole.length, 5, "4 messages and a command")
  t.equal(decoder.midMessage, false, "nothing half-read at the end")
})

// A message with commands to slip in front of each of its frames (index i = before frame i).
const frameArb = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a))
const commandArb = fc.tuple(
  fc.constantFrom("PING", "PONG", "XACK", "SUBSCRIBE", "A"),
  fc.uint8Array({ maxLength: 300 }),
).map(([name, data]) => encodeCommand(name, Buffer.from(data)))
const messageArb = fc.array(frameArb, { minLength: 1, maxLength: 6 })
const streamArb = fc.array(
  fc.tuple(messageArb, fc.array(fc.option(commandArb, { nil: undefined, freq: 3 }), { maxLength: 6 })),
  { minLength: 1, maxLength: 8 },
)

/** Encodes frame by frame (not through encodeMessages) so commands can sit between frames. */
function encodeWithCommands(stream: [Buffer[], (Buffer | undefined)[]][]): { bytes: Buffer; commands: Buffer[] } {
  const parts: Buffer[] = []
  const commands: Buffer[] = []
  for (const [frames, interleaved] of stream) {
    frames.forEach((frame, i) => {
      const command = interleaved[i]
      if (command) {
        parts.push(command)
        commands.push(command.subarray(command[0] === 0x04 ? 2 : 9))
      }
      const header = Buffer.alloc(9)
      const end = writeHeader(header, 0, i < frames.length - 1, frame.length)
      parts.push(header.subarray(0, end), frame)
    })
  }
  return { bytes: Buffer.concat(parts), commands }
}

t.test("property: any message stream split anywhere decodes to the same messages", async (t) => {
  fc.assert(
    fc.property(fc.array(messageArb, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 20 }), (messages, cuts) => {
      const bytes = encode(messages)
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
      const { decoder, events } = recorder()
      let from = 0
      for (const point of [...points, bytes.length]) {
        decoder.push(bytes.subarray(from, point))
        from = point
      }
      return isDeepStrictEqual(events, messages.map((message) => ({ message })))
    }),
    { seed: 0x5eed, numRuns: 300 },
  )
  t.pass("300 random streams with random split points")
})

t.test("property: commands between the frames of a multipart message do not break it", async (t) => {
  fc.assert(
    fc.property(streamArb, fc.array(fc.nat(), { maxLength: 20 }), (stream, cuts) => {
      const { bytes, commands } = encodeWithCommands(stream)
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
      const { decoder, events } = recorder()
      let from = 0
      for (const point of [...points, bytes.length]) {
        decoder.push(bytes.subarray(from, point))
        from = point
      }
      const gotMessages = events.flatMap((e) => ("message" in e ? [e.message] : []))
      const gotCommands = events.flatMap((e) => ("command" in e ? [e.command] : []))
      if (events.some((e) => "error" in e)) return false
      return isDeepStrictEqual(gotMessages, stream.map(([frames]) => frames)) && isDeepStrictEqual(gotCommands, commands)
    }),
    { seed: 0xc0ffee, numRuns: 300 },
  )
  t.pass("300 random streams with commands between frames")
})

t.test("greeting", async (t) => {
  t.test("encodeGreeting is the NULL 3.1 greeting of §11", async (t) => {
    const expected = Buffer.alloc(64)
    hex("ff 00 00 00 00 00 00 00 00 7f 03 01 4e 55 4c 4c").copy(expected)
    t.ok(encodeGreeting().equals(expected))
  })

  t.test("parseGreeting reads version, mechanism and as-server", async (t) => {
    t.same(parseGreeting(encodeGreeting()), { major: 3, minor: 1, mechanism: "NULL", asServer: false })
    t.same(parseGreeting(encodeGreeting("PLAIN", true, 0)), { major: 3, minor: 0, mechanism: "PLAIN", asServer: true })
    const twenty = encodeGreeting("ABCDEFGHIJKLMNOPQRST")
    t.equal(parseGreeting(twenty).mechanism, "ABCDEFGHIJKLMNOPQRST", "a 20-octet mechanism without NUL")
    const libzmq = encodeGreeting()
    libzmq[8] = 1 // libzmq puts identity_length + 1 in the padding; never validated
    t.equal(checkGreetingPrefix(libzmq), undefined)
  })

  const prefixCases: [string, Buffer, string | undefined][] = [
    ["empty prefix", Buffer.alloc(0), undefined],
    ["lone 0xFF", hex("ff"), undefined],
    ["bad signature (HTTP)", Buffer.from("GET / HTTP/1.1\r\n"), "ERR_ZMTP_INVALID_GREETING"],
    ["bad signature (0x00)", hex("00"), "ERR_ZMTP_INVALID_GREETING"],
    ["signature without 0x7F (ZMTP 1.0)", hex("ff 00 00 00 00 00 00 00 01 00"), "ERR_ZMTP_INVALID_GREETING"],
    ["ZMTP 1.0 with revision (major 0)", hex("ff 00 00 00 00 00 00 00 01 7f 00"), "ERR_ZMTP_INVALID_GREETING"],
    ["ZMTP 2.0 (major 1)", hex("ff 00 00 00 00 00 00 00 01 7f 01 07 00 00"), "ERR_ZMTP_INVALID_GREETING"],
    // libzmq treats major 2 as 3.1 (§12.7); brokerless refuses below 3 (§2 "accept any major >= 3").
    ["major 2", hex("ff 00 00 00 00 00 00 00 00 7f 02 00"), "ERR_ZMTP_INVALID_GREETING"],
    ["first 10 octets of a valid greeting", hex("ff 00 00 00 00 00 00 00 00 7f"), undefined],
    ["ZMTP 3.0", encodeGreeting("NULL", false, 0), undefined],
    ["ZMTP 3.1", encodeGreeting(), undefined],
    ["ZMTP 3.7", encodeGreeting("NULL", false, 7), undefined],
  ]
  for (const [name, prefix, code] of prefixCases) {
    t.test(`checkGreetingPrefix: ${name}`, async (t) => {
      t.equal(checkGreetingPrefix(prefix)?.code, code)
    })
  }

  t.test("higher major versions are accepted and follow 3.1 rules", async (t) => {
    const greeting = encodeGreeting()
    greeting[10] = 4
    greeting[11] = 0
    t.equal(checkGreetingPrefix(greeting), undefined)
    t.equal(effectiveMinor(parseGreeting(greeting)), 1)
    t.equal(effectiveMinor(parseGreeting(encodeGreeting("NULL", false, 0))), 0, "3.0 keeps 3.0 rules")
    t.equal(effectiveMinor(parseGreeting(encodeGreeting("NULL", false, 9))), 1, "3.9 uses 3.1 rules")
  })
})

t.test("metadata", async (t) => {
  function property(name: string, value: string | Buffer): Buffer {
    const buffer = Buffer.alloc(metadataSize([[name, value]]))
    writeMetadata(buffer, 0, [[name, value]])
    return buffer
  }

  t.test("round trip; names are keyed lower-case; empty values and an empty list are fine", async (t) => {
    const list: [string, string | Buffer][] = [["Socket-Type", "DEALER"], ["Identity", Buffer.alloc(0)], ["X-Custom.v1+a_b", "é"]]
    const buffer = Buffer.alloc(metadataSize(list))
    t.equal(writeMetadata(buffer, 0, list), buffer.length)
    const parsed = parseMetadata(buffer)
    t.notOk(parsed instanceof Error)
    if (parsed instanceof Error) return
    t.same([...parsed.keys()], ["socket-type", "identity", "x-custom.v1+a_b"])
    t.equal(parsed.get("x-custom.v1+a_b")!.toString(), "é")
    t.equal(parsed.get("identity")!.length, 0)
    const empty = parseMetadata(Buffer.alloc(0))
    t.ok(!(empty instanceof Error) && empty.size === 0)
  })

  const good = property("Socket-Type", "PUSH")
  const bad: [string, Buffer][] = [
    ["one trailing octet", Buffer.concat([good, hex("05")])],
    ["name cut short", good.subarray(0, 6)],
    ["value length cut short", good.subarray(0, 14)],
    ["value cut short", good.subarray(0, good.length - 1)],
    ["value length beyond the body", Buffer.concat([hex("01 41 7f ff ff ff"), Buffer.alloc(10)])],
    ["zero-length name", hex("00 00 00 00 00")],
    ["name with a space", property("Socket Type", "PUSH")],
    ["name with a colon", property("Socket-Type:", "PUSH")],
    ["name with a non-ASCII octet", Buffer.concat([hex("02 41 e9 00 00 00 00")])],
    ["duplicate name", Buffer.concat([good, good])],
    ["duplicate name, other case", Buffer.concat([good, property("socket-type", "PULL")])],
    ["too many properties", Buffer.concat(Array.from({ length: MAX_METADATA_PROPERTIES + 1 }, (_, i) => property(`X-${i}`, "")))],
  ]
  for (const [name, data] of bad) {
    t.test(`refused: ${name}`, async (t) => {
      const parsed = parseMetadata(data)
      t.ok(parsed instanceof Error, "an error, not a map")
      t.equal((parsed as ZmqError).code, "ERR_ZMTP_INVALID_METADATA")
    })
  }

  t.test(`exactly ${MAX_METADATA_PROPERTIES} properties pass`, async (t) => {
    const parsed = parseMetadata(Buffer.concat(Array.from({ length: MAX_METADATA_PROPERTIES }, (_, i) => property(`X-${i}`, "v"))))
    t.ok(!(parsed instanceof Error) && parsed.size === MAX_METADATA_PROPERTIES)
  })
})

t.test("commands, byte-exact against docs/wire-notes.md §11", async (t) => {
  const examples: [string, Buffer, string][] = [
    ["READY from a PUSH", encodeReady([["Socket-Type", "PUSH"]]),
      "04 1a 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 04 50 55 53 48"],
    ["READY from a PUSH (engine)", encodeLocalReady({ socketType: "PUSH" }),
      "04 1a 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 04 50 55 53 48"],
    ["READY from a PULL (engine)", encodeLocalReady({ socketType: "PULL" }),
      "04 1a 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 04 50 55 4c 4c"],
    ["READY from a DEALER with identity ab", encodeLocalReady({ socketType: "DEALER", routingId: Buffer.from("ab") }),
      "04 2b 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 06 44 45 41 4c 45 52 08 49 64 65 6e 74 69 74 79 00 00 00 02 61 62"],
    ["SUBSCRIBE A (3.1 peer)", encodeSubscription(Buffer.from("A"), true, 1), "04 0b 09 53 55 42 53 43 52 49 42 45 41"],
    ["CANCEL A (3.1 peer)", encodeSubscription(Buffer.from("A"), false, 1), "04 08 06 43 41 4e 43 45 4c 41"],
    ["subscribe A (3.0 peer)", encodeSubscription(Buffer.from("A"), true, 0), "00 02 01 41"],
    ["cancel A (3.0 peer)", encodeSubscription(Buffer.from("A"), false, 0), "00 02 00 41"],
    ["PING ttl=1 s, context xy", encodePing(10, Buffer.from("xy")), "04 09 04 50 49 4e 47 00 0a 78 79"],
    ["PING ttl=1 s as libzmq sends it", encodePing(10), "04 07 04 50 49 4e 47 00 0a"],
    ["PONG xy", encodePong(Buffer.from("xy")), "04 07 04 50 4f 4e 47 78 79"],
    ["ERROR 400", encodeError("400"), "04 0a 05 45 52 52 4f 52 03 34 30 30"],
    ["JOIN weather", encodeCommand("JOIN", Buffer.from("weather")), "04 0c 04 4a 4f 49 4e 77 65 61 74 68 65 72"],
  ]
  for (const [name, actual, expected] of examples) {
    t.test(name, async (t) => t.equal(actual.toString("hex"), hex(expected).toString("hex")))
  }

  t.test("parse: the same examples come back", async (t) => {
    const body = (frame: Buffer) => frame.subarray(2)
    const ready = parseCommand(body(encodeReady([["Socket-Type", "PUSH"]])))!
    t.equal(ready.name, "READY")
    t.equal((parseMetadata(ready.data) as Map<string, Buffer>).get("socket-type")!.toString(), "PUSH")
    const ping = parseCommand(hex("04 50 49 4e 47 00 0a 78 79"))!
    t.equal(ping.name, "PING")
    t.same(parsePing(ping.data), { ttlMs: 1000, context: Buffer.from("xy") })
    const error = parseCommand(body(encodeError("400")))!
    t.equal(error.name, "ERROR")
    t.equal(parseErrorReason(error.data), "400")
    t.same(parseCommand(hex("09 53 55 42 53 43 52 49 42 45 41")), { name: "SUBSCRIBE", data: Buffer.from("A") })
    t.same(parseCommand(hex("06 43 41 4e 43 45 4c")), { name: "CANCEL", data: Buffer.alloc(0) }, "empty prefix")
  })

  t.test("parse: malformed commands are undefined, never a throw", async (t) => {
    t.equal(parseCommand(Buffer.alloc(0)), undefined, "empty body")
    t.equal(parseCommand(hex("00 41")), undefined, "zero-length name")
    t.equal(parseCommand(hex("05 52 45 41")), undefined, "name longer than the body")
    t.equal(parsePing(hex("00")), undefined, "PING without a full TTL")
    t.equal(parseErrorReason(Buffer.alloc(0)), "")
    t.equal(parseErrorReason(hex("09 34 30")), "40", "a reason length past the end is cut")
  })

  t.test("PING/PONG context is capped at 16 octets", async (t) => {
    const context = Buffer.from("0123456789abcdefXYZW")
    const ping = parsePing(parseCommand(encodePing(0, context).subarray(2))!.data)!
    t.equal(ping.context.toString(), "0123456789abcdef")
    t.equal(parsePing(Buffer.concat([hex("00 05"), context]))!.context.length, 16)
    t.equal(parseCommand(encodePong(context).subarray(2))!.data.toString(), "0123456789abcdef")
    t.equal(parsePing(hex("ff ff"))!.ttlMs, 6553500)
    t.equal(encodePing(1e9).readUInt16BE(7), 0xffff, "TTL saturates at u16")
  })

  t.test("long commands use the 8-octet size", async (t) => {
    const frame = encodeCommand("XDATA", Buffer.alloc(300, 1))
    t.equal(frame[0], 0x06)
    t.equal(frame.readBigUInt64BE(1), 306n)
    const events = decodeWhole(frame)
    t.equal(events.length, 1)
    t.ok("command" in events[0]! && parseCommand(events[0].command)!.name === "XDATA")
  })
})

t.test("long headers: the size as two 32-bit halves equals the 64-bit big-endian size", async (t) => {
  for (const size of [256, 65535, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 2 ** 40 + 2 ** 31 + 7, Number.MAX_SAFE_INTEGER]) {
    const header = Buffer.alloc(9)
    t.equal(writeHeader(header, 0, true, size), 9)
    const expected = Buffer.alloc(9)
    expected[0] = 0x03
    expected.writeBigUInt64BE(BigInt(size), 1)
    t.same(header, expected, `size ${size}`)
    // Decoded back: under the platform's Buffer limit a frame begins; over it, the refusal
    // names the exact size (read from the same two halves).
    const { decoder, events } = recorder(-1)
    decoder.push(header)
    if (size <= bufferConstants.MAX_LENGTH) t.same(events, [], `size ${size}: a frame announced, nothing delivered or refused`)
    else t.match((events[0] as { error: ZmqError }).error.detail, `announced a ${size} octet frame`)
  }
})

t.test("pack slab: lent once, reused only after recyclePacked saw it written", async (t) => {
  const a = packBuffer(100)
  const b = packBuffer(100)
  t.not(a.buffer, b.buffer, "a slab lent out (not recycled) is never handed out again")
  recyclePacked([Buffer.alloc(10)])
  t.not(packBuffer(100).buffer, b.buffer, "a write without the slab does not free it")
  const c = packBuffer(50)
  recyclePacked([Buffer.alloc(3), c.subarray(0, 20)])
  t.equal(packBuffer(200).buffer, c.buffer, "written: the same memory is packed into again")
  const d = packBuffer(200 * 1024)
  t.equal(d.length, 200 * 1024, "larger than the first slab: a slab that fits")
  recyclePacked([d])
  t.equal(packBuffer(150 * 1024).buffer, d.buffer, "the grown slab is packed into again")
  const e = packBuffer(2 * 1024 * 1024)
  recyclePacked([e])
  t.not(packBuffer(2 * 1024 * 1024).buffer, e.buffer, "over the largest slab: its own allocation each time")
  const f = packBuffer(100)
  const g = packBuffer(100)
  t.not(f.buffer, g.buffer, "two writes in flight: two slabs")
  recyclePacked([g, f])
  const reused = [packBuffer(100).buffer, packBuffer(100).buffer]
  t.ok(reused.includes(f.buffer) && reused.includes(g.buffer), "both come back once the kernel took them")
  recyclePacked([f])
  recyclePacked([f])
  t.not(packBuffer(100).buffer, packBuffer(100).buffer, "a slab given back twice is lent once")
})
