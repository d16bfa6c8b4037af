// Entry point "brokerless/draft": the draft socket types under the names zeromq.js exports from
// "zeromq/draft". The main entry keeps exporting Radio and Dish as well.
export { Radio, type RadioSendOptions } from "./socket/radio.js"
export { Dish, type DishMessage } from "./socket/dish.js"
