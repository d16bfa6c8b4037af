// Publish/subscribe with a forwarder in the middle, all in one process:
//
//   Publisher --tcp--> [XSubscriber | proxy | XPublisher] --ipc--> Subscriber("weather.")
//                                                          \-ipc--> Subscriber("sport.")
//
// Subscriptions travel upstream through the proxy; only matching messages travel down.
// Build first (npx tsc -p .), then: node examples/pubsub.js
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Publisher, Subscriber, XPublisher, XSubscriber, proxy } from "../dist/index.js"

const pub = new Publisher()
await pub.bind("tcp://127.0.0.1:0")

const frontend = new XSubscriber()
const backend = new XPublisher()
const downstream = `ipc://${join(tmpdir(), `brokerless-pubsub-${process.pid}.sock`)}`
await backend.bind(downstream)
frontend.connect(pub.lastEndpoint)
const forwarding = proxy(frontend, backend)

const weather = new Subscriber()
const sport = new Subscriber()
weather.subscribe("weather.")
sport.subscribe("sport.")
weather.connect(downstream)
sport.connect(downstream)

// Publish until both subscriptions have made it upstream (a publisher cannot know otherwise),
// at most 5 s; then one last round that each subscriber reads to the end.
const deadline = Date.now() + 5000
const seen = new Set()
const receiveAll = async (name, sub) => {
  for await (const [topic, body] of sub) {
    console.log(`${name} got ${topic}: ${body}`)
    seen.add(name)
    if (String(body) === "last") return
  }
}
const done = Promise.all([receiveAll("weather", weather), receiveAll("sport", sport)])
while (seen.size < 2 && Date.now() < deadline) {
  await pub.send(["weather.paris", "21C"])
  await pub.send(["sport.tennis", "6-4"])
  await pub.send(["news.none", "nobody subscribed to this"])
  await new Promise((resolve) => setTimeout(resolve, 50))
}
await pub.send(["weather.paris", "last"])
await pub.send(["sport.tennis", "last"])
await done

for (const socket of [pub, frontend, backend, weather, sport]) socket.close()
await forwarding
console.log("done")
