// Discovery without multicast: connect("mdns://name") resolved from a static seed list, the
// fallback for networks (containers, clouds) where mDNS does not work. No multicast is sent, so
// this runs anywhere. The same list can come from the environment instead of code:
//
//   BROKERLESS_DISCOVERY="seeds:jobs=tcp://10.0.0.5:5555,tcp://10.0.0.6:5555" node app.js
//
//   Pull(worker 1) <--\
//                      >-- Push connect("mdns://jobs", { discovery: { mode: "seeds", seeds } })
//   Pull(worker 2) <--/
//
// Build first (npx tsc -p .), then: node examples/discovery-seeds.js
import { Pull, Push } from "../dist/index.js"

const workers = [new Pull({ receiveTimeout: 5000 }), new Pull({ receiveTimeout: 5000 })]
for (const worker of workers) await worker.bind("tcp://127.0.0.1:0")

// In a real deployment the list is configuration: hosts and ports known in advance.
const seeds = { jobs: workers.map((w) => w.lastEndpoint) }
console.log(`seed list: ${JSON.stringify(seeds)}`)

const producer = new Push({ sendTimeout: 5000 })
producer.events.on("discovery:up", ({ detail }) =>
  console.log(`producer: found ${detail.instance} (source: ${detail.source})`))
producer.events.on("discovery:down", ({ detail }) =>
  console.log(`producer: dropped ${detail.instance} (${detail.reason})`))
producer.connect("mdns://jobs", { discovery: { mode: "seeds", seeds } })
await producer.waitForPeers(2, { timeout: 5000 })

for (let n = 1; n <= 4; n++) await producer.send(`job ${n}`)
for (const [i, worker] of workers.entries()) {
  for (let k = 0; k < 2; k++) {
    const [job] = await worker.receive()
    console.log(`worker ${i + 1}: ${job}`)
  }
}

// disconnect("mdns://jobs") drops every peer the name resolved to.
producer.disconnect("mdns://jobs")
console.log(`producer: ${producer.peerCount} peers after disconnect`)

producer.close()
for (const worker of workers) worker.close()
