// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum zlib, gzip and PNG use, so
// journal files can be checked with standard tools. Node < 20.15 has no zlib.crc32, hence the
// table-driven fallback; where zlib.crc32 exists it is used because it is native and faster.
// Pure: no I/O, no state besides the lookup table.

import * as zlib from "node:zlib"

const TABLE = buildTable()

function buildTable(): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
}

/**
 * Table-driven CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it), so
 * `crc32js(b, crc32js(a)) === crc32js(Buffer.concat([a, b]))`. Returns an unsigned 32-bit integer.
 */
export function crc32js(data: Uint8Array, previous = 0): number {
  let crc = ~previous
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)
  return ~crc >>> 0
}

type NativeCrc32 = (data: Uint8Array, value?: number) => number
const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32

/** CRC-32 of `data` continuing from `previous`; same results as {@link crc32js}. */
export const crc32: (data: Uint8Array, previous?: number) => number =
  typeof native === "function" ? (data, previous = 0) => native(data, previous) : crc32js
