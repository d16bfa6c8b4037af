// The Node entries' tracing: installs the diagnostics_channel and OpenTelemetry hooks into the
// seam of util/counters.ts. Imported for its effect by index.ts (and the other Node entries);
// the browser build does not import it.
import { installTraceHooks } from "../util/counters.js"
import { publishDrop, publishEvent } from "./diagnostics.js"
import { socketCreated } from "./metrics.js"

installTraceHooks({ socket: socketCreated, event: publishEvent, drop: publishDrop })

export { CHANNELS, type ConnectionMessage, type DropMessage } from "./diagnostics.js"
export { enableMetrics, type MeterProviderLike } from "./metrics.js"
