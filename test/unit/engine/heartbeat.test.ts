// Heartbeat timing on a fake clock (RFC 37 "Connection Heartbeating"): exact PING times, the
// timeout after an unanswered PING, traffic that keeps a connection, a peer's TTL, and stop().
// The same behaviour over real sockets is in test/engine/heartbeat.test.ts.
import t from "tap"
import { Heartbeat } from "../../../lib/engine/heartbeat.js"
import { FakeClock } from "../../helpers/fake-clock.js"
import type { TestCase } from "../../helpers/tap.js"

function setup(t: TestCase, options: { interval: number; timeout: number; timeToLive: number }) {
  const clock = new FakeClock()
  t.teardown(clock.install())
  const log: string[] = []
  const beat = new Heartbeat({
    sendPing: (ttl) => log.push(`ping ${ttl} @${clock.now()}`),
    onHeartbeatExpired: () => log.push(`expired @${clock.now()}`),
  }, options)
  t.teardown(() => beat.stop())
  return { clock, log, beat }
}

t.test("a PING every interval carries the TTL in deciseconds; silence for the timeout expires", async (t) => {
  const { clock, log, beat } = setup(t, { interval: 100, timeout: 300, timeToLive: 1000 })
  beat.start()
  clock.advance(99)
  t.same(log, [], "nothing before the first interval")
  clock.advance(1)
  t.same(log, ["ping 10 @100"])
  clock.advance(299)
  t.same(log, ["ping 10 @100", "ping 10 @200", "ping 10 @300"], "no expiry 1 ms before the timeout")
  clock.advance(1)
  t.same(log.at(-1), "expired @400", "expired exactly interval + timeout after the start")
})

t.test("traffic after a PING cancels that PING's timeout", async (t) => {
  const { clock, log, beat } = setup(t, { interval: 100, timeout: 300, timeToLive: 0 })
  beat.start()
  for (let i = 0; i < 20; i++) {
    clock.advance(50)
    beat.sawTraffic()
  }
  t.notOk(log.some((line) => line.startsWith("expired")), "kept alive for 10 intervals")
  // Last traffic at 1000 (after that PING); the PING at 1100 arms a fresh timeout: expired at 1400.
  clock.advance(399)
  t.notOk(log.some((line) => line.startsWith("expired")))
  clock.advance(1)
  t.equal(log.at(-1), "expired @1400", "silence then expires it, interval + timeout after the last traffic")
})

t.test("a peer silent right after answering a PING is dropped within interval + timeout (regression)", async (t) => {
  // Timeout 600 = 3 intervals, as in the cluster's SIGSTOP scenario. Before the fix, the timeout
  // armed by the PING at 200 ran to its end at 800 (traffic seen: no expiry) and the next one
  // was armed only at the PING at 800: the peer was dropped at 1400, 2 x timeout after it went quiet.
  const { clock, log, beat } = setup(t, { interval: 200, timeout: 600, timeToLive: 0 })
  beat.start()
  clock.advance(200)
  clock.advance(5)
  beat.sawTraffic() // its PONG, then silence (SIGSTOP) from 205 on
  clock.advance(794)
  t.notOk(log.some((line) => line.startsWith("expired")), "not before the PING at 400 + 600")
  clock.advance(1)
  t.equal(log.at(-1), "expired @1000", "dropped 795 ms after the last traffic: within 200 + 600")
})

t.test("timeout -1 means the interval (libzmq default)", async (t) => {
  const { clock, log, beat } = setup(t, { interval: 100, timeout: -1, timeToLive: 0 })
  beat.start()
  clock.advance(199)
  t.notOk(log.includes("expired @200"))
  clock.advance(1)
  t.ok(log.includes("expired @200"))
})

t.test("interval 0: no timers at all", async (t) => {
  const { clock, log, beat } = setup(t, { interval: 0, timeout: 100, timeToLive: 0 })
  beat.start()
  t.equal(clock.pending, 0)
  clock.advance(10_000)
  t.same(log, [])
})

t.test("a peer's TTL: silence for the TTL after its latest PING closes; traffic keeps it", async (t) => {
  const { clock, log, beat } = setup(t, { interval: 0, timeout: 0, timeToLive: 0 })
  beat.peerPinged(300)
  clock.advance(200)
  beat.sawTraffic()
  clock.advance(200)
  t.same(log, [], "traffic within the TTL")
  beat.peerPinged(500)
  clock.advance(300)
  beat.peerPinged(500) // a newer PING moves the deadline
  clock.advance(499)
  t.same(log, [], "counted from the latest PING")
  clock.advance(1)
  t.same(log, ["expired @1200"])
})

t.test("a TTL under 100 ms has no effect; stop() cancels every timer", async (t) => {
  const { clock, log, beat } = setup(t, { interval: 100, timeout: 100, timeToLive: 0 })
  beat.peerPinged(99)
  t.equal(clock.pending, 0)
  beat.start()
  beat.peerPinged(200)
  clock.advance(100)
  beat.stop()
  t.equal(clock.pending, 0)
  clock.advance(10_000)
  t.same(log, ["ping 0 @100"])
})
