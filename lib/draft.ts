// Entry point "brokerless/draft": the draft socket types under the names zeromq.js exports from
// "zeromq/draft". The main entry keeps exporting Radio and Dish as well.
import "./telemetry/index.js" // diagnostics_channel and OpenTelemetry hooks (Node entries only)
export { Radio, type RadioSendOptions } from "./socket/radio.js"
export { Dish, type DishMessage } from "./socket/dish.js"
export { Server, type ServerMessage, type ServerRoutingOptions } from "./socket/server.js"
export { Client } from "./socket/client.js"
export { Scatter, type ScatterOptions } from "./socket/scatter.js"
export { Gather, type GatherOptions } from "./socket/gather.js"
export { Datagram } from "./socket/datagram.js"
