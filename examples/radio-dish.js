// Radio/Dish: group messaging. A Dish joins groups; a Radio sends each message to one group, and
// only Dishes that joined it get it (exact match). Over tcp here, and over udp:// datagrams
// (unicast on 127.0.0.1; a multicast address works the same). Exits by itself.
//
//   Radio ==tcp==> Dish("weather")      Radio --udp datagrams--> Dish("weather", "traffic")
//
// Build first (npx tsc -p .), then: node examples/radio-dish.js
import { Dish, Radio } from "../dist/index.js"

// tcp: the Dish's joins travel to the Radio, which then filters for it.
const radio = new Radio()
await radio.bind("tcp://127.0.0.1:0")
const dish = new Dish({ receiveTimeout: 5000 })
dish.join("weather")
dish.connect(radio.lastEndpoint)
await radio.waitForPeers(1, { timeout: 5000 })
// A Radio is lossy like a publisher: the join follows the connection, so send until one lands.
await sendUntilHeard(radio, dish, "weather")
await radio.send("traffic jam on A1", { group: "traffic" }) // not joined: never arrives
await radio.send("21C in Paris", { group: "weather" })
const [body, { group }] = await dish.receive()
console.log(`tcp: ${group} -> ${body}`)
radio.close()
dish.close()

// udp: the Dish binds a port; the Radio sends datagrams to it and the Dish keeps its groups.
const udpDish = new Dish({ receiveTimeout: 5000 })
await udpDish.bind("udp://127.0.0.1:0")
udpDish.join("weather", "traffic")
const udpRadio = new Radio()
udpRadio.connect(udpDish.lastEndpoint)
await udpRadio.send("no one joined this", { group: "sport" })
await udpRadio.send("18C in Lyon", { group: "weather" })
await udpRadio.send("roadworks on A7", { group: "traffic" })
for (let i = 0; i < 2; i++) {
  const [udpBody, { group: udpGroup }] = await udpDish.receive()
  console.log(`udp: ${udpGroup} -> ${udpBody}`)
}
udpRadio.close()
udpDish.close()

async function sendUntilHeard(sender, receiver, to) {
  const heard = receiver.receive()
  let done = false
  heard.then(() => { done = true }, () => { done = true })
  for (let i = 0; i < 100 && !done; i++) {
    await sender.send("hello?", { group: to })
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await heard
}
