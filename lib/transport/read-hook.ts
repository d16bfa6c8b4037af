// Reads into buffers the consumer chooses (Node's `onread` option) instead of 'data' events: a
// large frame is read straight into its own buffer, with no 64 KiB chunk and copy in between.
import type { OnReadOpts } from "node:net"

export interface ReadTarget {
  /** The buffer the next read fills; called once per read, before it. */
  nextBuffer(): Buffer
  /** `bytes` octets were read into `buffer`; false stops reading until `stream.read(0)`. */
  onRead(bytes: number, buffer: Buffer): boolean
}

/**
 * Used until a reader is attached: Node asks for the first buffer when the stream is made, and
 * that buffer takes the first read (a greeting, 64 octets). Small, since every connection makes
 * one: under 4 KiB, Buffer.allocUnsafe carves it from Node's shared pool instead of allocating.
 */
const UNATTACHED_READ_SIZE = 2 * 1024

/**
 * The `onread` of a stream whose reader (the engine) is created after the stream: reads are
 * forwarded to whichever reader is attached when they happen.
 */
export class ReadHook implements ReadTarget {
  reader: ReadTarget | undefined

  nextBuffer(): Buffer {
    return this.reader?.nextBuffer() ?? Buffer.allocUnsafe(UNATTACHED_READ_SIZE)
  }

  onRead(bytes: number, buffer: Buffer): boolean {
    return this.reader?.onRead(bytes, buffer) ?? true
  }

  /** The `onread` option for node:net. */
  options(): OnReadOpts {
    return {
      buffer: () => this.nextBuffer(),
      callback: (bytes, buffer) => this.onRead(bytes, buffer as Buffer),
    }
  }
}
