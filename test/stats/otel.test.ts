// OpenTelemetry metrics through @opentelemetry/api: with an SDK registered globally before the
// first socket, the counters appear under the messaging semantic-convention names; with
// enableMetrics({ meterProvider }) they go to that provider instead. An in-memory reader
// collects, as an exporter would.
import t from "tap"
import { metrics } from "@opentelemetry/api"
import { MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics"
import { uniqAddress } from "../helpers/address.js"
import { until, within } from "../helpers/events.js"
import { connectTo } from "../helpers/marry.js"

t.setTimeout(20_000)

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The value of metric `name` at the point whose attributes include `match`. */
function valueOf(metricsOut: ResourceMetrics, name: string, match: Record<string, string>): number | undefined {
  for (const scope of metricsOut.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue
      for (const point of metric.dataPoints) {
        if (Object.entries(match).every(([k, v]) => point.attributes[k] === v)) return point.value as number
      }
    }
  }
  return undefined
}

// Registered before brokerless is even imported: the first socket binds to it by itself.
const globalReader = new TestReader()
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [globalReader] }))
const { Push, Pull, Router, enableMetrics } = await import("../../lib/index.js")

t.test("global SDK: sent/consumed messages, bytes, connections, drops", async (t) => {
  const push = new Push()
  const pull = new Pull()
  t.teardown(() => { push.close(); pull.close() })
  await push.bind(uniqAddress("tcp"))
  await connectTo(push, pull, push.lastEndpoint!)
  for (let i = 0; i < 3; i++) await push.send("four")
  for (let i = 0; i < 3; i++) await within(pull.receive(), 5000, "receive")
  const router = new Router()
  t.teardown(() => router.close())
  await router.send(["nobody", "x"])

  // The api import is asynchronous: wait until the binding has happened.
  let out: ResourceMetrics | undefined
  await until(() => {
    void globalReader.collect().then((r) => { out = r.resourceMetrics })
    return out !== undefined && valueOf(out, "messaging.client.sent.messages", { "brokerless.socket.type": "PUSH" }) === 3
  }, 5000, "metrics collected")
  const push3 = { "messaging.system": "zeromq", "brokerless.socket.type": "PUSH", "messaging.operation.name": "send" }
  t.equal(valueOf(out!, "messaging.client.sent.messages", push3), 3)
  t.equal(valueOf(out!, "brokerless.client.sent.bytes", push3), 12)
  t.equal(valueOf(out!, "messaging.client.consumed.messages", { "brokerless.socket.type": "PULL", "messaging.operation.name": "receive" }), 3)
  t.equal(valueOf(out!, "brokerless.connections", { "brokerless.socket.type": "PUSH" }), 1)
  t.equal(valueOf(out!, "brokerless.connections.opened", { "brokerless.socket.type": "PULL" }), 1)
  t.equal(valueOf(out!, "brokerless.dropped.messages", { "brokerless.socket.type": "ROUTER", "brokerless.drop.reason": "noRoute" }), 1)
  t.equal(valueOf(out!, "brokerless.queue.messages", { "brokerless.socket.type": "PULL", "brokerless.queue.direction": "in" }), 0)

  // Closed sockets keep their share: counters never go back.
  push.close()
  const after = (await globalReader.collect()).resourceMetrics
  t.equal(valueOf(after, "messaging.client.sent.messages", push3), 3)
})

t.test("enableMetrics({ meterProvider }) moves the reporting to that provider", async (t) => {
  const reader = new TestReader()
  t.equal(await enableMetrics({ meterProvider: new MeterProvider({ readers: [reader] }) }), true)
  const push = new Push({ sendTimeout: 0, linger: 0 })
  t.teardown(() => push.close())
  push.connect(uniqAddress("ipc"))
  await push.send("queued") // queued on the connect-side pipe
  const out = (await reader.collect()).resourceMetrics
  t.equal(valueOf(out, "brokerless.queue.messages", { "brokerless.socket.type": "PUSH", "brokerless.queue.direction": "out" }), 1)
  t.ok((valueOf(out, "messaging.client.sent.messages", { "brokerless.socket.type": "PUSH" }) ?? 0) >= 4, "totals so far, closed sockets included")
})
