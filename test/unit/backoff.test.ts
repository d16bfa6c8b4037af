// Reconnect delays as libzmq computes them: interval plus jitter below the interval; doubling up
// to reconnectMaxInterval only when a larger maximum is set; -1 disables reconnecting.
import t from "tap"
import { Backoff } from "../../lib/util/backoff.js"

t.test("without a maximum the delay stays in [interval, 2 * interval)", async (t) => {
  const backoff = new Backoff(100, 0)
  const delays = Array.from({ length: 200 }, () => backoff.next())
  t.ok(delays.every((d) => d >= 100 && d < 200), "within the jitter band")
  t.ok(new Set(delays).size > 10, "jitter varies")
})

t.test("with a larger maximum the base doubles up to it, and reset() starts over", async (t) => {
  const backoff = new Backoff(100, 1000)
  const bases = Array.from({ length: 7 }, () => backoff.next())
  const floors = [100, 200, 400, 800, 1000, 1000, 1000]
  bases.forEach((delay, i) => t.ok(delay >= floors[i]! && delay < floors[i]! + 100, `attempt ${i}: ${delay} from base ${floors[i]}`))
  backoff.reset()
  t.ok(backoff.next() < 200, "back to the first interval")
})

t.test("reconnectInterval -1 means never reconnect", async (t) => {
  t.equal(new Backoff(-1, 0).next(), -1)
})
