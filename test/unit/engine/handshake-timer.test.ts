// The handshake timer on a fake clock: a peer that has not completed the handshake within
// handshakeInterval fails it with ETIMEDOUT exactly then; stop() (the connection ended) and an
// interval of 0 leave no timer. Over real sockets: test/engine/malformed-peers.test.ts (slowloris).
import type { Socket } from "node:net"
import t from "tap"
import { HandshakeDriver, type HandshakeHost } from "../../../lib/engine/handshake-driver.js"
import { FakeClock } from "../../helpers/fake-clock.js"

function driver(interval: number) {
  const failures: string[] = []
  const host: HandshakeHost = {
    onHandshaken: () => failures.push("handshaken"),
    onHandshakeFailed: (error, kind) => failures.push(`${kind} ${error.code}`),
  }
  const stream = { write: () => true } as unknown as Socket
  const hs = new HandshakeDriver(stream, host, { security: { mechanism: "NULL" }, local: { socketType: "PULL" }, address: "tcp://127.0.0.1:1", handshakeInterval: interval })
  return { hs, failures }
}

t.test("no handshake within the interval: ETIMEDOUT exactly at the deadline", async (t) => {
  const clock = new FakeClock()
  t.teardown(clock.install())
  const { failures } = driver(300)
  clock.advance(299)
  t.same(failures, [])
  clock.advance(1)
  t.same(failures, ["timeout ETIMEDOUT"])
  t.equal(clock.holding, 0, "the timer never held the process")
})

t.test("stop() cancels the timer; interval 0 arms none", async (t) => {
  const clock = new FakeClock()
  t.teardown(clock.install())
  const { hs, failures } = driver(300)
  hs.stop()
  t.equal(clock.pending, 0)
  driver(0)
  t.equal(clock.pending, 0)
  clock.advance(10_000)
  t.same(failures, [])
})
