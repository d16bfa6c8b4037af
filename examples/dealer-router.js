// Dealer/router: an asynchronous server that knows its clients by routing id, and clients that
// may have many requests in flight at once (no send/receive lock step, unlike Request/Reply).
//
//   Dealer(routingId "alice") --+
//                               +--ipc--> Router (echoes, addressed by routing id)
//   Dealer(routingId "bob")   --+
//
// Build first (npx tsc -p .), then: node examples/dealer-router.js
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Dealer, Router } from "../dist/index.js"

const endpoint = `ipc://${join(tmpdir(), `brokerless-dealer-router-${process.pid}.sock`)}`
const router = new Router({ mandatory: true }) // unknown ids reject with EHOSTUNREACH instead of vanishing
await router.bind(endpoint)

// Every message arrives as [routingId, ...frames]; sending [routingId, ...frames] answers it.
const serving = (async () => {
  for await (const [id, ...frames] of router) {
    await router.send([id, "echo:", ...frames])
  }
})()

const names = ["alice", "bob"]
const dealers = names.map((routingId) => new Dealer({ routingId, receiveTimeout: 5000 }))
for (const dealer of dealers) dealer.connect(endpoint)

await Promise.all(dealers.map(async (dealer, i) => {
  for (let n = 0; n < 3; n++) await dealer.send(`job ${n}`) // three in flight at once
  for (let n = 0; n < 3; n++) console.log(`${names[i]} got: ${(await dealer.receive()).join(" ")}`)
}))

try {
  await router.send(["carol", "hello?"])
} catch (error) {
  console.log(`sending to an unknown peer: ${error.code}`)
}

for (const dealer of dealers) dealer.close()
router.close()
await serving
