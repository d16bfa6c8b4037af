// Optional OpenTelemetry metrics (Node entry only). @opentelemetry/api is an optional peer
// dependency, imported when a socket is made and the application has registered an SDK through
// it; without either, nothing is loaded (importing the api costs ~50 ms of main-thread CPU, which
// the first connections of a program without OpenTelemetry would otherwise pay). Every instrument is asynchronous (observable): the
// counters socket.stats() reads are observed when the SDK collects, so sending and receiving
// gain no OpenTelemetry call at all. Names follow the messaging semantic conventions where they
// have one (messaging.client.sent.messages, messaging.client.consumed.messages), brokerless.* else.
import type { SocketStats } from "../socket/stats.js"
import type { Counters } from "../util/counters.js"

/** The part of an OpenTelemetry MeterProvider used here (structural: no type dependency). */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown
}

type Attributes = Record<string, string>
interface Observable { readonly __observable?: never }
interface BatchResult { observe(instrument: Observable, value: number, attributes?: Attributes): void }
interface Meter {
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): Observable
  createObservableUpDownCounter(name: string, options?: { description?: string; unit?: string }): Observable
  addBatchObservableCallback(callback: (result: BatchResult) => void, observables: Observable[]): void
  removeBatchObservableCallback(callback: (result: BatchResult) => void, observables: Observable[]): void
}

/** What a socket's counters need from their owner (SocketBase). */
interface Observed { readonly type: string; readonly closed: boolean; stats(): SocketStats }

/** Monotonic totals per socket type; closed sockets are folded in so counters never go back. */
type Totals = Record<string, number>

const SYSTEM = "zeromq"
const live = new Set<WeakRef<Counters>>()
const retired = new Map<string, Totals>()
let state: "idle" | "loading" | "on" | "off" = "idle"
/** live.size at which closed and collected sockets are swept out (with no SDK nobody collects). */
let sweepAt = 1024
let binding: { meter: Meter; instruments: Instruments; callback: (result: BatchResult) => void } | undefined

/** Where @opentelemetry/api 1.x keeps what the application registered (providers, its api object). */
const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1")

function sdkRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[OTEL_GLOBAL] !== undefined
}

/**
 * Tracing hook: a socket was made. The first one made once an SDK is registered loads
 * @opentelemetry/api (once); sockets made before are tracked all the same.
 */
export function socketCreated(counters: Counters): void {
  if (state === "off") return
  live.add(new WeakRef(counters))
  if (live.size >= sweepAt) sweep()
  if (state !== "idle" || !sdkRegistered()) return
  state = "loading"
  import("@opentelemetry/api").then(
    (api) => {
      if (binding === undefined) bind(api.metrics.getMeterProvider())
      state = "on"
    },
    () => {
      // Not installed: nothing to report to, and nothing to remember.
      if (binding !== undefined) return
      state = "off"
      live.clear()
    },
  )
}

/**
 * Reports socket statistics through `meterProvider`, or the global one of @opentelemetry/api
 * (what the first socket binds to by itself; call this when the SDK is registered later).
 * Resolves false when neither is available.
 */
export async function enableMetrics(options: { meterProvider?: MeterProviderLike } = {}): Promise<boolean> {
  let provider = options.meterProvider
  if (provider === undefined) {
    try {
      provider = (await import("@opentelemetry/api")).metrics.getMeterProvider()
    } catch {
      return false
    }
  }
  if (state === "off" || state === "idle") state = "on"
  bind(provider)
  return true
}

type Instruments = ReturnType<typeof createInstruments>

/** Folds closed sockets into the retired totals and forgets collected ones; amortised O(1). */
function sweep(): void {
  for (const ref of live) {
    const counters = ref.deref()
    const owner = counters?.owner as Observed | undefined
    if (counters === undefined || owner === undefined) live.delete(ref)
    else if (owner.closed) {
      add(retired, owner.type, totalsOf(counters))
      live.delete(ref)
    }
  }
  sweepAt = Math.max(1024, live.size * 2)
}

function bind(provider: MeterProviderLike): void {
  if (binding !== undefined) binding.meter.removeBatchObservableCallback(binding.callback, Object.values(binding.instruments))
  const meter = provider.getMeter("brokerless") as Meter
  const instruments = createInstruments(meter)
  const callback = (result: BatchResult) => observe(result, instruments)
  meter.addBatchObservableCallback(callback, Object.values(instruments))
  binding = { meter, instruments, callback }
}

function createInstruments(meter: Meter) {
  const counter = (name: string, unit: string, description: string) => meter.createObservableCounter(name, { unit, description })
  const gauge = (name: string, unit: string, description: string) => meter.createObservableUpDownCounter(name, { unit, description })
  return {
    sent: counter("messaging.client.sent.messages", "{message}", "Messages send() accepted"),
    consumed: counter("messaging.client.consumed.messages", "{message}", "Messages handed to the application"),
    sentBytes: counter("brokerless.client.sent.bytes", "By", "Bytes of the messages send() accepted"),
    consumedBytes: counter("brokerless.client.consumed.bytes", "By", "Bytes of the messages handed to the application"),
    dropped: counter("brokerless.dropped.messages", "{message}", "Messages dropped, by brokerless.drop.reason"),
    opened: counter("brokerless.connections.opened", "{connection}", "Handshakes completed"),
    failed: counter("brokerless.connections.failed", "{connection}", "Refused dials and failed handshakes"),
    reconnects: counter("brokerless.reconnects", "{attempt}", "Reconnect attempts scheduled"),
    connections: gauge("brokerless.connections", "{connection}", "Live handshaken connections"),
    queued: gauge("brokerless.queue.messages", "{message}", "Messages queued, by brokerless.queue.direction"),
  }
}

const TOTALS = ["sent", "consumed", "sentBytes", "consumedBytes", "hwm", "noRoute", "filtered", "tooLarge", "opened", "failed", "reconnects"] as const

function totalsOf(c: Counters): Totals {
  return {
    sent: c.sentMessages, consumed: c.receivedMessages, sentBytes: c.sentBytes, consumedBytes: c.receivedBytes,
    hwm: c.droppedHwm, noRoute: c.droppedNoRoute, filtered: c.droppedFiltered, tooLarge: c.droppedTooLarge,
    opened: c.connections, failed: c.failed, reconnects: c.reconnects,
  }
}

function add(into: Map<string, Totals>, type: string, totals: Totals): Totals {
  const sum = into.get(type) ?? Object.fromEntries(TOTALS.map((name) => [name, 0]))
  for (const name of TOTALS) sum[name]! += totals[name]!
  into.set(type, sum)
  return sum
}

/** One collection: totals per socket type (live + closed), live connections and queue depths. */
function observe(result: BatchResult, i: Instruments): void {
  const sums = new Map<string, Totals>()
  for (const [type, totals] of retired) add(sums, type, totals)
  const gauges = new Map<string, { connections: number; out: number; in: number }>()
  for (const ref of live) {
    const counters = ref.deref()
    const owner = counters?.owner as Observed | undefined
    if (counters === undefined || owner === undefined) {
      live.delete(ref)
      continue
    }
    add(sums, owner.type, totalsOf(counters))
    if (owner.closed) {
      add(retired, owner.type, totalsOf(counters))
      live.delete(ref)
      continue
    }
    const stats = owner.stats()
    const gauge = gauges.get(owner.type) ?? { connections: 0, out: 0, in: 0 }
    gauge.connections += stats.connections.current
    for (const peer of stats.peers) {
      gauge.out += peer.outbound
      gauge.in += peer.inbound
    }
    gauges.set(owner.type, gauge)
  }
  for (const [type, t] of sums) {
    const base = { "messaging.system": SYSTEM, "brokerless.socket.type": type }
    const send = { ...base, "messaging.operation.name": "send", "messaging.operation.type": "send" }
    const receive = { ...base, "messaging.operation.name": "receive", "messaging.operation.type": "receive" }
    result.observe(i.sent, t.sent!, send)
    result.observe(i.sentBytes, t.sentBytes!, send)
    result.observe(i.consumed, t.consumed!, receive)
    result.observe(i.consumedBytes, t.consumedBytes!, receive)
    for (const reason of ["hwm", "noRoute", "filtered", "tooLarge"]) result.observe(i.dropped, t[reason]!, { ...base, "brokerless.drop.reason": reason })
    result.observe(i.opened, t.opened!, base)
    result.observe(i.failed, t.failed!, base)
    result.observe(i.reconnects, t.reconnects!, base)
  }
  for (const [type, g] of gauges) {
    const base = { "messaging.system": SYSTEM, "brokerless.socket.type": type }
    result.observe(i.connections, g.connections, base)
    result.observe(i.queued, g.out, { ...base, "brokerless.queue.direction": "out" })
    result.observe(i.queued, g.in, { ...base, "brokerless.queue.direction": "in" })
  }
}
