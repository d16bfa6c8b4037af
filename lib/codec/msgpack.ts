// Optional value codec (option codec: "msgpack"): one JS value per message, standard MessagePack
// on the wire (msgpackr with records off), so any msgpack library on a libzmq peer decodes it.
// Runs at the socket edge only: after send() normalisation and after receive().
import { Packr } from "msgpackr"
import { zmqError } from "../errors.js"

const packr = new Packr({ useRecords: false, moreTypes: false, int64AsType: "number" })

export interface ValueCodec {
  encode(value: unknown): Buffer[]
  decode(frames: Buffer[]): unknown
}

export const msgpackCodec: ValueCodec = {
  encode(value: unknown): Buffer[] {
    return [packr.pack(value)]
  },
  decode(frames: Buffer[]): unknown {
    if (frames.length !== 1) {
      throw zmqError("EPROTO", `msgpack codec expects one frame per message, got ${frames.length}`)
    }
    try {
      return packr.unpack(frames[0]!)
    } catch (cause) {
      throw zmqError("EPROTO", "received a frame that is not valid MessagePack", { cause })
    }
  },
}
