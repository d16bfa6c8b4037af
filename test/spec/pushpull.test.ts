// RFC 30 (PIPELINE) behaviour of Push and Pull, over every transport.
import t from "tap"
import { Pull } from "../../lib/socket/pull.js"
import { Push } from "../../lib/socket/push.js"
import { freeAddress, TRANSPORTS, uniqAddress } from "../helpers/address.js"
import { events, until, within } from "../helpers/events.js"
import { connectTo, marry } from "../helpers/marry.js"

for (const transport of TRANSPORTS) {
  t.test(`${transport}`, async (t) => {
    t.test("PUSH: SHALL route outgoing messages to connected peers using a round-robin strategy", async (t) => {
      //  push --+--> pull1
      //         +--> pull2
      //         +--> pull3
      const push = new Push()
      t.teardown(() => push.close())
      await push.bind(uniqAddress(transport))
      const pulls = [new Pull(), new Pull(), new Pull()]
      for (const pull of pulls) {
        t.teardown(() => pull.close())
        await connectTo(push, pull, push.lastEndpoint!)
      }
      for (let i = 0; i < 9; i++) await push.send(`m${i}`)
      const received = await within(Promise.all(pulls.map(async (pull) => {
        const got: string[] = []
        for (let i = 0; i < 3; i++) got.push(String(await pull.receive()))
        return got
      })), 5000, "receive")
      const all = received.flat().sort()
      t.same(all, ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"])
      for (const got of received) t.equal(got.length, 3, "each peer got an equal share")
    })

    t.test("PULL: SHALL receive incoming messages from its peers using a fair-queuing strategy", async (t) => {
      const pull = new Pull()
      t.teardown(() => pull.close())
      await pull.bind(uniqAddress(transport))
      const pushes = [new Push(), new Push(), new Push()]
      for (const push of pushes) {
        t.teardown(() => push.close())
        await connectTo(pull, push, pull.lastEndpoint!)
      }
      // Every peer queues two messages before any is read.
      for (const [index, push] of pushes.entries()) {
        await push.send(`p${index}-a`)
        await push.send(`p${index}-b`)
      }
      // Wait until all six are queued at the PULL, so arrival order cannot decide the test.
      const pipes = (pull as unknown as { pipes: Set<{ inbound: { length: number } }> }).pipes
      await until(() => [...pipes].every((pipe) => pipe.inbound.length === 2) && pipes.size === 3, 5000, "all queued")
      const got: string[] = []
      while (got.length < 6) got.push(String(await within(pull.receive(), 5000, "receive")))
      const firstThree = got.slice(0, 3).map((m) => m.slice(0, 2)).sort()
      t.same(firstThree, ["p0", "p1", "p2"], "one message from each peer before any second one")
      for (let i = 0; i < 3; i++) {
        t.ok(got.indexOf(`p${i}-a`) < got.indexOf(`p${i}-b`), `peer ${i} order kept`)
      }
    })

    t.test("PUSH: SHALL create a queue when initiating an outgoing connection, before the peer exists", async (t) => {
      const address = await freeAddress(transport)
      {
        const push = new Push()
        t.teardown(() => push.close())
        push.connect(address)
        await within(push.send("early"), 1000, "send before the peer exists")
        const pull = new Pull()
        t.teardown(() => pull.close())
        await pull.bind(address)
        t.equal(String(await within(pull.receive(), 5000, "receive")), "early")
      }
    })

    t.test("multipart, empty frames and large messages arrive whole", async (t) => {
      const push = new Push()
      const pull = new Pull()
      t.teardown(() => { push.close(); pull.close() })
      await marry(pull, push, transport)
      const big = Buffer.alloc(1024 * 1024, 0xab)
      await push.send(["a", "", Buffer.alloc(0), big])
      const frames = await within(pull.receive(), 5000, "receive")
      t.equal(frames.length, 4)
      t.equal(String(frames[0]), "a")
      t.equal(frames[1]!.length, 0)
      t.equal(frames[2]!.length, 0)
      t.ok(frames[3]!.equals(big))
    })

    t.test("a closed peer shows up as a disconnect event", async (t) => {
      const push = new Push()
      const pull = new Pull()
      t.teardown(() => push.close())
      await marry(push, pull, transport)
      const gone = events(push, "disconnect", 1)
      pull.close()
      await gone
      t.pass("disconnect seen")
    })
  })
}
