// The pure ZWS 2.0 codec (RFC 45 "Framing"): flag octet + body per WebSocket message, ZMTP
// command frames rewritten for ZWS, subprotocol choice, subscriptions as libzmq sends them.
import t from "tap"
import fc from "fast-check"
import { encodeCommand, encodeReady } from "../../lib/zmtp/command.js"
import { encodeMessages } from "../../lib/zmtp/encoder.js"
import {
  chooseProtocol, decodeZwsFrame, mechanismOfProtocol, encodeZwsFrame, encodeZwsMessage, encodeZwsSubscription, offeredProtocols,
  zwsFromZmtpFrame, ZwsMessageAssembler, type ZwsFrame,
} from "../../lib/zmtp/zws.js"

function frameOf(data: Buffer): ZwsFrame {
  const frame = decodeZwsFrame(data)
  if (frame instanceof Error) throw frame
  return frame
}

t.test("frames carry one flag octet: 0x00 last, 0x01 more, 0x02 command", async (t) => {
  t.same([...encodeZwsFrame(0x00, Buffer.from("ab"))], [0x00, 0x61, 0x62])
  const out: Buffer[] = []
  encodeZwsMessage([Buffer.from("a"), Buffer.alloc(0), Buffer.from("c")], out)
  t.same(out.map((b) => [...b]), [[0x01, 0x61], [0x01], [0x00, 0x63]])
  t.same(frameOf(Buffer.from([0x02, 5, 0x52])), { command: true, more: false, body: Buffer.from([5, 0x52]) })
  t.same(frameOf(Buffer.from([0x01])), { command: false, more: true, body: Buffer.alloc(0) })
})

t.test("malformed frames are errors with a code, never a throw", async (t) => {
  for (const bad of [[], [0x03, 1], [0x04], [0x80, 1], [0xff]]) {
    const result = decodeZwsFrame(Buffer.from(bad))
    t.ok(result instanceof Error, `[${bad.join(",")}] refused`)
    t.equal((result as { code?: string }).code, "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED")
  }
})

t.test("ZMTP stream frames (short and long headers) become ZWS frames with the same body", async (t) => {
  const ready = encodeReady([["Socket-Type", "DEALER"]])
  const zws = zwsFromZmtpFrame(ready)
  t.equal(zws[0], 0x02, "command flag")
  t.same(zws.subarray(1), ready.subarray(2))
  const long = encodeCommand("MESSAGE", Buffer.alloc(300, 7))
  t.same(zwsFromZmtpFrame(long).subarray(1), long.subarray(9), "long header stripped")
  const data: Buffer[] = []
  encodeMessages([[Buffer.from("x"), Buffer.alloc(400, 1)]], data)
  const packed = Buffer.concat(data)
  t.same([...zwsFromZmtpFrame(packed.subarray(0, 3))], [0x01, 0x78], "MORE data frame")
})

t.test("round trip: any multipart message survives encode, decode and assembly (fast-check)", async (t) => {
  fc.assert(fc.property(
    fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }),
    (frames) => {
      const out: Buffer[] = []
      encodeZwsMessage(frames, out)
      const assembler = new ZwsMessageAssembler(-1)
      let message: Buffer[] | undefined
      for (let i = 0; i < out.length; i++) {
        const result = assembler.push(frameOf(out[i]!))
        if (result instanceof Error) return false
        if (i < out.length - 1 && result !== undefined) return false
        message = result
      }
      return message !== undefined && message.length === frames.length &&
        message.every((f, i) => Buffer.compare(f, Buffer.from(frames[i]!)) === 0) && !assembler.pending
    },
  ))
})

t.test("the decoder never throws on arbitrary input (fast-check)", async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
    const result = decodeZwsFrame(Buffer.from(bytes))
    if (result instanceof Error) return bytes.length === 0 || bytes[0]! > 2
    return bytes[0]! <= 2 && result.body.length === bytes.length - 1
  }))
})

t.test("maxMessageSize bounds each frame", async (t) => {
  const assembler = new ZwsMessageAssembler(4)
  t.same(assembler.push(frameOf(Buffer.from([0, 1, 2, 3, 4]))), [Buffer.from([1, 2, 3, 4])])
  const tooLarge = assembler.push(frameOf(Buffer.from([0, 1, 2, 3, 4, 5])))
  t.equal((tooLarge as { code?: string }).code, "ERR_ZMTP_MESSAGE_TOO_LARGE")
})

t.test("subprotocols: clients offer their mechanism, NULL also bare ZWS2.0; servers pick their own", async (t) => {
  t.same(offeredProtocols("NULL"), ["ZWS2.0/NULL", "ZWS2.0-NULL", "ZWS2.0"])
  t.same(offeredProtocols("CURVE"), ["ZWS2.0/CURVE", "ZWS2.0-CURVE"])
  t.equal(chooseProtocol(["ZWS2.0-CURVE"], "CURVE"), "ZWS2.0-CURVE", "browsers offer the token alias")
  t.equal(mechanismOfProtocol("ZWS2.0-PLAIN"), "PLAIN")
  t.equal(mechanismOfProtocol("ZWS2.0/CURVE"), "CURVE")
  t.equal(mechanismOfProtocol("ZWS2.0"), undefined)
  t.equal(chooseProtocol(["ZWS2.0/NULL", "ZWS2.0"], "NULL"), "ZWS2.0/NULL")
  t.equal(chooseProtocol(["ZWS2.0"], "NULL"), "ZWS2.0", "jszmq offers the bare protocol only")
  t.equal(chooseProtocol([" ZWS2.0/PLAIN"], "PLAIN"), "ZWS2.0/PLAIN")
  t.equal(chooseProtocol(["ZWS2.0/NULL", "ZWS2.0"], "CURVE"), undefined, "a CURVE server refuses NULL")
  t.equal(chooseProtocol(["ZWS2.0"], "PLAIN"), undefined, "no mechanism is never a downgrade")
  t.equal(chooseProtocol(["chat"], "NULL"), undefined)
})

t.test("subscriptions travel as 0x01/0x00-prefixed data messages", async (t) => {
  t.same([...encodeZwsSubscription(Buffer.from("ab"), true)], [0x00, 0x01, 0x61, 0x62])
  t.same([...encodeZwsSubscription(Buffer.alloc(0), false)], [0x00, 0x00])
})
