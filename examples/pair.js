// Pair: exactly two peers, talking both ways over one connection. Local tcp; exits by itself.
//
//   Pair(left) <==tcp==> Pair(right)
//
// Build first (npx tsc -p .), then: node examples/pair.js
import { Pair } from "../dist/index.js"

const left = new Pair({ receiveTimeout: 5000 })
await left.bind("tcp://127.0.0.1:0")

const right = new Pair({ receiveTimeout: 5000 })
right.connect(left.lastEndpoint)
await right.waitForPeers(1, { timeout: 5000 })

// A ping-pong of three rounds: each side answers what the other says.
for (let round = 1; round <= 3; round++) {
  await left.send(`ping ${round}`)
  const [ping] = await right.receive()
  console.log(`right got: ${ping}`)
  await right.send(`pong ${round}`)
  const [pong] = await left.receive()
  console.log(`left got:  ${pong}`)
}

// Multipart messages arrive whole.
await right.send(["header", "body"])
const frames = await left.receive()
console.log(`left got ${frames.length} frames: ${frames.map(String).join(" | ")}`)

left.close()
right.close()
