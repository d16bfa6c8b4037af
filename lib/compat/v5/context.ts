// The 5.x Context: static knobs for libzmq's I/O threads and socket limit. There is no libzmq
// context here (sockets share Node's event loop), so the values are kept for code that reads
// them back and change nothing else.
const settings = { ioThreads: 1, maxSockets: 1023 }

export class Context {
  constructor() {
    throw new Error("Context has only static methods in the 5.x API")
  }

  static setMaxThreads(value: number): void {
    settings.ioThreads = positive(value, "threads")
  }

  static getMaxThreads(): number {
    return settings.ioThreads
  }

  static setMaxSockets(value: number): void {
    settings.maxSockets = positive(value, "sockets")
  }

  static getMaxSockets(): number {
    return settings.maxSockets
  }
}

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`Number of ${what} must be a positive integer`)
  return value
}
