// Dialed streams read large frames straight into their own buffer (Node's onread): check that
// the bytes are right across every transition (small frames, large frames, frames straddling
// reads) and that back-pressure still stops and restarts reading.
import t from "tap"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { uniqAddress, type Transport } from "../helpers/address.js"
import { within } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"

function patterned(size: number, seed: number): Buffer {
  const buffer = Buffer.allocUnsafe(size)
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed) & 0xff
  return buffer
}

for (const transport of ["tcp", "ipc"] as Transport[]) {
  t.test(`${transport}: a connecting Pull receives mixed small and large frames intact`, async (t) => {
    // push (binds) --> pull (connects: reads in place)
    const push = new Push({ linger: 0 })
    const pull = new Pull()
    t.teardown(() => { push.close(); pull.close() })
    await push.bind(uniqAddress(transport))
    await connectTo(push, pull, push.lastEndpoint!)
    const sizes = [3 << 20, 10, 70_000, 1, 1 << 20, 65_535, 65_536, 65_537, 5 << 20, 0, 300]
    const messages = sizes.map((size, i) => [Buffer.from(`m${i}`), patterned(size, i)])
    for (const message of messages) await push.send(message)
    for (const [i, message] of messages.entries()) {
      const got = await within(pull.receive(), 5000, `message ${i}`)
      t.equal(String(got[0]), `m${i}`)
      t.ok(got[1]!.equals(message[1]!), `frame of ${sizes[i]} octets intact`)
    }
  })

  t.test(`${transport}: back-pressure on a connecting Pull pauses and resumes reading, nothing lost`, async (t) => {
    const push = new Push({ linger: 0, sendHighWaterMark: 4 })
    const pull = new Pull({ receiveHighWaterMark: 2 })
    t.teardown(() => { push.close(); pull.close() })
    await push.bind(uniqAddress(transport))
    await connectTo(push, pull, push.lastEndpoint!)
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
}
