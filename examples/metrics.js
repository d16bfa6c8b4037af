// Statistics and tracing: socket.stats(), diagnostics_channel events, per-message metadata, and
// OpenTelemetry metrics exported through the SDK (its InMemoryMetricExporter here, printed one
// line per data point; use ConsoleMetricExporter or an OTLP exporter the same way). Local tcp
// only; exits by itself.
//
//   Publisher (sendHighWaterMark 5) --tcp--> Subscriber "news." (reads slowly)
//
// The SDK is registered before the first socket is made: brokerless then reports to it by
// itself (@opentelemetry/api is an optional peer dependency; without it nothing is loaded).
//
// Build first (npm run build), then: node examples/metrics.js
import diagnostics from "node:diagnostics_channel"
import { metrics } from "@opentelemetry/api"
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })
const provider = new MeterProvider({ readers: [reader] })
metrics.setGlobalMeterProvider(provider)

const { Publisher, Subscriber } = await import("../dist/index.js")

// Tracing: every handshake, with who the peer is.
diagnostics.subscribe("brokerless:handshake", ({ socket, event }) => {
  console.log(`handshake: ${socket.type} <- ${event.peer.socketType} from ${event.remote}`)
})

const pub = new Publisher({ sendHighWaterMark: 5 })
await pub.bind("tcp://127.0.0.1:0")
const sub = new Subscriber({ receiveHighWaterMark: 5, receiveMetadata: true })
sub.subscribe("news.")
sub.connect(pub.lastEndpoint)
await pub.waitForPeers(1, { timeout: 5000 })

// Publish until the subscription is in (a publisher drops what nobody subscribed to: "filtered").
while (pub.stats().sent.messages - pub.stats().dropped.filtered === 0) {
  await pub.send("news. warming up")
  await new Promise((resolve) => setTimeout(resolve, 10))
}
await pub.send("weather. nobody wants this") // filtered
await pub.send("news. the subscription is in")
for (let i = 0; i < 2; i++) {
  const message = await sub.receive()
  console.log(`received "${message[0]}" from ${message.metadata.socketType} at ${message.metadata.address}`)
}

const s = pub.stats()
console.log("publisher stats:", JSON.stringify({ sent: s.sent, dropped: s.dropped, connections: s.connections }))
console.log("subscriber peer:", JSON.stringify({ ...sub.stats().peers[0], routingId: undefined }))

// Export once now, print what the exporter got, then shut everything down.
await reader.forceFlush()
for (const { scopeMetrics } of exporter.getMetrics().slice(-1)) {
  for (const { descriptor, dataPoints } of scopeMetrics.flatMap((scope) => scope.metrics)) {
    for (const { attributes, value } of dataPoints) {
      if (value === 0) continue
      const labels = Object.entries(attributes).filter(([k]) => k !== "messaging.system").map(([k, v]) => `${k}=${v}`)
      console.log(`otel: ${descriptor.name}{${labels.join(",")}} ${value}`)
    }
  }
}
pub.close()
sub.close()
await provider.shutdown()
