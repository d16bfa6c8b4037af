// Streams read large frames straight into their own buffer (Node's onread): dialed streams
// through Node's public option, accepted ones by re-creating the socket from its handle
// (lib/transport/accepted-reads.ts). Check that the bytes are right across every transition
// (small frames, large frames, frames straddling reads), that back-pressure still stops and
// restarts reading, that kept small messages do not pin a whole read buffer each, and that
// BROKERLESS_ACCEPTED_READS=events (Node's own 'data' reads) works the same.
import t from "tap"
import type { TestCase } from "../helpers/tap.js"
import { ACCEPTED_READS_ENV } from "../../lib/transport/accepted-reads.js"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import type { SocketOptions } from "../../lib/socket/options.js"
import { uniqAddress, type Transport } from "../helpers/address.js"
import { within } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"

function patterned(size: number, seed: number): Buffer {
  const buffer = Buffer.allocUnsafe(size)
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed) & 0xff
  return buffer
}

/** Which side reads: a Pull that connects, one that binds, or one that binds with Node's reads. */
type Reader = "connecting Pull" | "binding Pull" | "binding Pull, events reads"
const READERS: readonly Reader[] = ["connecting Pull", "binding Pull", "binding Pull, events reads"]

async function link(t: TestCase, transport: Transport, reader: Reader, push: Push, pull: Pull): Promise<void> {
  t.teardown(() => { push.close(); pull.close() })
  if (reader === "binding Pull, events reads") {
    // Read at accept time: set only while the connection is made.
    process.env[ACCEPTED_READS_ENV] = "events"
    t.teardown(() => { delete process.env[ACCEPTED_READS_ENV] })
  }
  const [binder, connector] = reader === "connecting Pull" ? [push, pull] : [pull, push]
  await binder.bind(uniqAddress(transport))
  await connectTo(binder, connector, binder.lastEndpoint!)
  delete process.env[ACCEPTED_READS_ENV]
}

function pair(options: { push?: SocketOptions; pull?: SocketOptions } = {}): [Push, Pull] {
  return [new Push({ linger: 0, ...options.push }), new Pull(options.pull)]
}

for (const transport of ["tcp", "ipc"] as Transport[]) {
  for (const reader of READERS) {
    t.test(`${transport}, ${reader}: mixed small and large frames arrive intact`, async (t) => {
      const [push, pull] = pair()
      await link(t, transport, reader, push, pull)
      const sizes = [3 << 20, 10, 70_000, 1, 1 << 20, 65_535, 65_536, 65_537, 5 << 20, 0, 300]
      const messages = sizes.map((size, i) => [Buffer.from(`m${i}`), patterned(size, i)])
      for (const message of messages) await push.send(message)
      for (const [i, message] of messages.entries()) {
        const got = await within(pull.receive(), 5000, `message ${i}`)
        t.equal(String(got[0]), `m${i}`)
        t.ok(got[1]!.equals(message[1]!), `frame of ${sizes[i]} octets intact`)
      }
    })

    t.test(`${transport}, ${reader}: back-pressure pauses and resumes reading, nothing lost`, async (t) => {
      const [push, pull] = pair({ push: { sendHighWaterMark: 4 }, pull: { receiveHighWaterMark: 2 } })
      await link(t, transport, reader, push, pull)
      const total = 120
      const sending = (async () => { for (let i = 0; i < total; i++) await push.send([String(i), patterned(256 * 1024, i)]) })()
      const order: number[] = []
      let corrupt = 0
      for (let i = 0; i < total; i++) {
        const [index, body] = await within(pull.receive(), 10000, `message ${i}`)
        order.push(Number(String(index)))
        if (!body!.equals(patterned(256 * 1024, Number(String(index))))) corrupt++
        // A slow consumer: let the queues fill up between reads now and then.
        if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
      await sending
      t.same(order, Array.from({ length: total }, (_, i) => i), "all arrived, in order")
      t.equal(corrupt, 0, "no frame corrupted")
    })

    t.test(`${transport}, ${reader}: kept small messages, one per read, pin about their own size`, async (t) => {
      const [push, pull] = pair()
      await link(t, transport, reader, push, pull)
      const kept: Buffer[] = []
      for (let i = 0; i < 400; i++) {
        // One message in flight at a time: each arrives in a read of its own.
        await push.send(`message ${i}`)
        const [frame] = await within(pull.receive(), 2000, `message ${i}`)
        kept.push(frame!)
      }
      t.same(kept.map(String), Array.from({ length: 400 }, (_, i) => `message ${i}`))
      const pinned = new Set(kept.map((frame) => frame.buffer))
      const bytes = [...pinned].reduce((sum, buffer) => sum + buffer.byteLength, 0)
      // A fresh 64 KiB buffer per read would pin 400 x 64 KiB = 25 MiB here.
      t.ok(bytes <= 1 << 20, `400 kept messages pin ${bytes} octets in ${pinned.size} buffers`)
    })
  }
}
