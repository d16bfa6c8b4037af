// Z85 (ZeroMQ RFC 32): 4 octets <-> 5 printable characters. CURVE keys are 32 octets, 40
// characters in Z85, which is how zeromq.js takes and gives them.
import { zmqError } from "../errors.js"

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
const DECODE = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i

export function z85Encode(data: Uint8Array): string {
  if (data.length % 4 !== 0) throw zmqError("EINVAL", "Z85 encodes a multiple of 4 octets")
  let text = ""
  for (let i = 0; i < data.length; i += 4) {
    let value = ((data[i]! << 24) >>> 0) + (data[i + 1]! << 16) + (data[i + 2]! << 8) + data[i + 3]!
    const chunk: string[] = []
    for (let j = 0; j < 5; j++) {
      chunk.unshift(ALPHABET[value % 85]!)
      value = Math.floor(value / 85)
    }
    text += chunk.join("")
  }
  return text
}

export function z85Decode(text: string): Buffer {
  if (text.length % 5 !== 0) throw zmqError("EINVAL", "Z85 text is a multiple of 5 characters")
  const data = Buffer.alloc((text.length / 5) * 4)
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j)
      const digit = code < 128 ? DECODE[code]! : -1
      if (digit < 0) throw zmqError("EINVAL", `Invalid Z85 character ${JSON.stringify(text[i + j])}`)
      value = value * 85 + digit
    }
    if (value > 0xffffffff) throw zmqError("EINVAL", "Invalid Z85 text (value out of range)")
    data.writeUInt32BE(value, o)
  }
  return data
}
