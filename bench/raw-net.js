// The ceiling for the push/pull rows: Push and Pull over plain node:net with nothing but a
// 4-octet length in front of each message. No handshake, no multipart, no high-water marks:
// what any message protocol on Node's streams costs at least (one framed write per send, one
// slice per received message). bench/compare.js loads it as the "node:net" library.
import { createConnection, createServer } from "node:net"

function parse(endpoint) {
  const m = /^tcp:\/\/([^:]+):(\d+)$/.exec(endpoint)
  if (m) return { host: m[1], port: Number(m[2]) }
  if (endpoint.startsWith("ipc://")) return { path: endpoint.slice(6) }
  throw new Error(`raw-net: unsupported endpoint ${endpoint}`)
}

class RawSocket {
  lastEndpoint = null
  #server = null
  #socket = null
  #waitingForSocket = []
  #queue = []
  #head = 0
  #receivers = []
  #pending = null // partial frame bytes
  #corked = false

  constructor() {}

  async bind(endpoint) {
    const where = parse(endpoint)
    this.#server = createServer({ noDelay: true }, (socket) => {
      if (this.#socket) return socket.destroy() // one peer is all the bench needs
      this.#attach(socket)
    })
    await new Promise((resolve, reject) => {
      this.#server.once("error", reject)
      if (where.path) this.#server.listen(where.path, resolve)
      else this.#server.listen(where.port, where.host, resolve)
    })
    const a = this.#server.address()
    this.lastEndpoint = typeof a === "string" ? `ipc://${a}` : `tcp://${a.address}:${a.port}`
  }

  connect(endpoint) {
    const where = parse(endpoint)
    this.#attach(createConnection(where.path ? { path: where.path } : { host: where.host, port: where.port, noDelay: true }))
  }

  #attach(socket) {
    this.#socket = socket
    socket.on("data", (chunk) => this.#onData(chunk))
    socket.on("error", () => {})
    for (const resolve of this.#waitingForSocket.splice(0)) resolve()
  }

  /**
   * One framed write per message, coalesced like any batching library does: the socket is
   * corked from the first send of a turn to a setImmediate, so a burst leaves as one writev
   * (a write per message would cost a syscall each and be no ceiling at all). Waits only when
   * the stream's buffer is over its high-water mark ("drain").
   */
  send(payload) {
    if (!this.#socket) return new Promise((resolve) => this.#waitingForSocket.push(resolve)).then(() => this.send(payload))
    const socket = this.#socket
    if (!this.#corked) {
      this.#corked = true
      socket.cork()
      setImmediate(() => {
        this.#corked = false
        socket.uncork()
      })
    }
    const frame = Buffer.allocUnsafe(4 + payload.length)
    frame.writeUInt32BE(payload.length, 0)
    payload.copy(frame, 4)
    if (socket.write(frame)) return Promise.resolve()
    return new Promise((resolve) => socket.once("drain", resolve))
  }

  #onData(chunk) {
    let buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk
    this.#pending = null
    let at = 0
    while (buf.length - at >= 4) {
      const size = buf.readUInt32BE(at)
      if (buf.length - at - 4 < size) break
      this.#deliver(buf.subarray(at + 4, at + 4 + size))
      at += 4 + size
    }
    if (at < buf.length) this.#pending = buf.subarray(at)
    if (this.#queue.length - this.#head > 10000) this.#socket.pause()
  }

  #deliver(message) {
    const waiter = this.#receivers.shift()
    if (waiter) waiter([message])
    else this.#queue.push(message)
  }

  receive() {
    if (this.#head < this.#queue.length) {
      const message = this.#queue[this.#head++]
      if (this.#head === this.#queue.length) {
        this.#queue = []
        this.#head = 0
        this.#socket?.resume()
      }
      return Promise.resolve([message])
    }
    return new Promise((resolve) => this.#receivers.push(resolve))
  }

  close() {
    this.#socket?.destroy()
    this.#server?.close()
  }
}

export class Push extends RawSocket {}
export class Pull extends RawSocket {}
