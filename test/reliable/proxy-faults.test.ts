// The faults tc cannot make here (no netem in this kernel), made by the userspace proxy in
// test/helpers/tcp-proxy.ts on loopback (no root needed): latency with a bandwidth cap, a
// connection cut in the middle of a frame, and a blackhole that heartbeats must notice. A
// reliable Push loses nothing through all of them.
//
//   Push { reliable, heartbeats } ──> proxy ──> Pull
import t from "tap"
import { Pull, Push } from "../../lib/index.js"
import { TcpProxy } from "../helpers/tcp-proxy.js"

t.test("reliable Push through latency, a cap, a mid-frame cut and a blackhole loses nothing", async (t) => {
  const pull = new Pull()
  await pull.bind("tcp://127.0.0.1:0")
  const port = Number(/:(\d+)$/.exec(pull.lastEndpoint!)![1])
  const proxy = await TcpProxy.start("127.0.0.1", port)
  const push = new Push({ reliable: { ackTimeout: 500 }, heartbeatInterval: 100, heartbeatTimeout: 400, reconnectInterval: 50, sendTimeout: 30_000 })
  t.teardown(async () => { push.close(); pull.close(); await proxy.close() })
  push.connect(`tcp://127.0.0.1:${proxy.port}`)

  const received = new Map<string, number>()
  const receiving = (async () => { for await (const [m] of pull) received.set(String(m), (received.get(String(m)) ?? 0) + 1) })()
  const sent: string[] = []
  const send = async (from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const body = `m${n}-${"x".repeat(60)}`
      await push.send(body)
      sent.push(body)
    }
  }
  const arrived = async () => {
    const deadline = Date.now() + 20_000
    while (sent.some((m) => !received.has(m))) {
      if (Date.now() > deadline) return
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  proxy.setShape({ latency: 20, bytesPerSecond: 64 * 1024 })
  await send(0, 200)
  await arrived()
  proxy.setShape({})
  proxy.cutAfterBytes(37) // inside the next 70-byte frame
  const cutAt = proxy.connections
  await send(200, 400)
  await arrived()
  t.ok(proxy.connections > cutAt, "the cut connection was re-established")
  proxy.blackhole(true)
  const holeAt = proxy.connections
  const started = Date.now()
  const dropped = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("heartbeats did not drop the blackholed connection in 5 s")), 5000)
    push.events.once("disconnect", () => { clearTimeout(timer); resolve(Date.now() - started) })
  })
  await send(400, 450) // they go into the hole (or wait in the retry buffer)
  const detected = await dropped
  proxy.blackhole(false)
  await send(450, 600)
  await arrived()
  t.ok(proxy.connections > holeAt, "heartbeats dropped the blackholed connection and the Push reconnected")
  const lost = sent.filter((m) => !received.has(m))
  t.same(lost, [], "every message whose send() resolved arrived")
  const duplicates = [...received.values()].reduce((s, n) => s + n - 1, 0)
  t.comment(`sent ${sent.length}, lost ${lost.length}, duplicates ${duplicates}; blackhole noticed by heartbeats after ${detected} ms (interval 100, timeout 400)`)
  push.close()
  pull.close()
  await receiving
})
