// Where reads land when no frame is being read in place. Frames decoded from a read are views
// into its buffer and may live on in the application for as long as it likes, so a buffer is
// never reused; but a fresh 64 KiB buffer per read would let a stored 16-byte message pin 64 KiB.
// Reads therefore fill one slab from front to back and a new slab starts only when little room
// is left: kept messages pin about their own size, and small reads allocate rarely.
// Slabs start small and double up to SLAB_SIZE as a connection keeps reading: a short-lived
// connection (a handshake and a message or two) costs a few KiB, not 64 KiB of external memory,
// which also drives V8's garbage collections when thousands of connections come and go.

const SLAB_SIZE = 64 * 1024
/** Under 4 KiB, Buffer.allocUnsafe carves the slab from Node's shared pool (no allocation). */
const FIRST_SLAB_SIZE = 2 * 1024
/** A read gets at least this much room (less at first); less left in the slab starts a new one. */
const MIN_READ_ROOM = 16 * 1024

export class ReadSlab {
  private slab: Buffer | undefined
  private nextSize = FIRST_SLAB_SIZE
  private used = 0
  private lastRoom: Buffer | undefined

  /** The free rest of the slab, for the next read. */
  room(): Buffer {
    if (this.slab === undefined || this.slab.length - this.used < Math.min(MIN_READ_ROOM, this.slab.length / 2)) {
      this.slab = Buffer.allocUnsafe(this.nextSize)
      this.nextSize = Math.min(SLAB_SIZE, this.nextSize * 2)
      this.used = 0
    }
    this.lastRoom = this.slab.subarray(this.used)
    return this.lastRoom
  }

  /**
   * `bytes` octets were read into `buffer`; returns them. Only a read into the last room()
   * takes up slab space (the very first read of a stream may use a buffer from elsewhere).
   */
  filled(buffer: Buffer, bytes: number): Buffer {
    if (buffer === this.lastRoom) {
      this.used += bytes
      this.lastRoom = undefined
    }
    return buffer.subarray(0, bytes)
  }
}
