// readAcceptedInPlace() on plain node:net sockets: the re-created socket reads into the buffers
// its ReadHook hands out, writes, pauses and resumes, and the server still counts the
// connection until it closes (server.close() completes only then).
import t from "tap"
import type { TestCase } from "../helpers/tap.js"
import { connect, createServer, type Server, type Socket } from "node:net"
import { once } from "node:events"
import { ACCEPTED_READS_ENV, readAcceptedInPlace } from "../../lib/transport/accepted-reads.js"
import { ReadHook, type ReadTarget } from "../../lib/transport/read-hook.js"
import { within } from "../helpers/events.js"

/** Records reads into 1 KiB buffers it hands out; stops reading while `paused`. */
class RecordingReader implements ReadTarget {
  readonly handedOut = new Set<Buffer>()
  readonly received: Buffer[] = []
  paused = false
  onData: (() => void) | undefined

  nextBuffer(): Buffer {
    const buffer = Buffer.alloc(1024)
    this.handedOut.add(buffer)
    return buffer
  }

  onRead(bytes: number, buffer: Buffer): boolean {
    if (!this.handedOut.has(buffer)) throw new Error("read into a buffer the reader did not hand out")
    this.received.push(Buffer.from(buffer.subarray(0, bytes)))
    this.onData?.()
    return !this.paused
  }

  text(): string {
    return Buffer.concat(this.received).toString()
  }

  /** Resolves once `length` octets have arrived in total. */
  until(length: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => { if (Buffer.concat(this.received).length >= length) resolve() }
      this.onData = check
      check()
    })
  }
}

interface Accepted { stream: Socket; reader: RecordingReader }

async function serverWithAdoption(t: TestCase): Promise<{ server: Server; port: number; accepted: Promise<Accepted> }> {
  let deliver!: (accepted: Accepted) => void
  const accepted = new Promise<Accepted>((resolve) => { deliver = resolve })
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    // Attached first: Node asks for the first buffer while it creates the socket.
    const reads = new ReadHook()
    const reader = new RecordingReader()
    reads.reader = reader
    const stream = readAcceptedInPlace(socket, reads)
    if (!stream) {
      t.fail("this Node cannot re-create accepted sockets")
      return void socket.destroy()
    }
    deliver({ stream, reader })
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  return { server, port: (server.address() as { port: number }).port, accepted }
}


t.test("an accepted socket reads into the hook's buffers and writes back", async (t) => {
  const { server, port, accepted } = await serverWithAdoption(t)
  const client = connect(port, "127.0.0.1")
  t.teardown(() => { client.destroy(); server.close() })
  const { stream, reader } = await within(accepted, 2000, "accept")
  t.teardown(() => stream.destroy())
  const text = "x".repeat(5000)
  client.write(text)
  await within(reader.until(text.length), 2000, "reads")
  t.equal(reader.text(), text, "every octet arrived, in order")
  t.ok(reader.received.length >= 5, "read in pieces no larger than the 1 KiB buffers")
  stream.write("pong")
  const [reply] = await within(once(client, "data"), 2000, "reply") as [Buffer]
  t.equal(String(reply), "pong")
  t.equal(stream.remoteAddress, "127.0.0.1", "peer address known")
})

t.test("returning false stops reading; read(0) resumes", async (t) => {
  const { server, port, accepted } = await serverWithAdoption(t)
  const client = connect(port, "127.0.0.1")
  t.teardown(() => { client.destroy(); server.close() })
  const { stream, reader } = await within(accepted, 2000, "accept")
  t.teardown(() => stream.destroy())
  reader.paused = true
  client.write("a")
  await within(reader.until(1), 2000, "first read")
  const readsWhenPaused = reader.received.length
  // Once the write completes, "b" waits in the receive queue on loopback; a reading socket would
  // take it in the next poll. An absence has no event to await: give it a few loop turns.
  await new Promise<void>((resolve) => client.write("b", () => resolve()))
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(reader.received.length, readsWhenPaused, "no read while paused")
  reader.paused = false
  stream.read(0)
  await within(reader.until(2), 2000, "read after resume")
  t.equal(reader.text(), "ab")
})

t.test("the server counts the connection until the re-created socket closes", async (t) => {
  const { server, port, accepted } = await serverWithAdoption(t)
  const client = connect(port, "127.0.0.1")
  t.teardown(() => client.destroy())
  const { stream } = await within(accepted, 2000, "accept")
  const connections = () => new Promise<number>((resolve, reject) => server.getConnections((error, count) => error ? reject(error) : resolve(count)))
  t.equal(await connections(), 1, "counted while open")
  let serverClosed = false
  const closed = new Promise<void>((resolve) => server.close(() => { serverClosed = true; resolve() }))
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(serverClosed, false, "server.close() waits for the connection")
  stream.destroy()
  await within(closed, 2000, "server closed")
  t.equal(await connections(), 0, "no longer counted")
})

t.test(`${ACCEPTED_READS_ENV}=events leaves the accepted socket to Node's own reads`, async (t) => {
  process.env[ACCEPTED_READS_ENV] = "events"
  t.teardown(() => { delete process.env[ACCEPTED_READS_ENV] })
  let adopted: Socket | undefined | null = null
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    adopted = readAcceptedInPlace(socket, new ReadHook())
    socket.destroy()
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  const client = connect((server.address() as { port: number }).port, "127.0.0.1")
  t.teardown(() => { client.destroy(); server.close() })
  await within(once(client, "close"), 2000, "server hung up")
  t.equal(adopted, undefined, "not re-created")
})
