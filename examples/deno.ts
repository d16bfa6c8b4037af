// brokerless under Deno (npm and Node compatibility): a Publisher and a Subscriber over ws://,
// and a Reply answering a Request over tcp://. Exits by itself.
//
//   Publisher ==ws://==> Subscriber("weather")      Request --tcp://--> Reply
//
// Build first (npm run build), then:
//   node_modules/.bin/deno run --allow-net --allow-read --allow-write --allow-env --allow-sys examples/deno.ts
import { Publisher, Reply, Request, Subscriber } from "../dist/index.js"

console.log(`Deno ${Deno.version.deno}`)

const pub = new Publisher()
await pub.bind("ws://127.0.0.1:0/feed")
const sub = new Subscriber({ receiveTimeout: 5000 })
sub.subscribe("weather")
sub.connect(pub.lastEndpoint!)
// The subscription travels after the connection: publish until the first message lands.
const first = sub.receive()
let heard = false
first.then(() => { heard = true }, () => { heard = true })
while (!heard) {
  await pub.send(["sport", "not subscribed"])
  await pub.send(["weather", "21C in Paris"])
  await new Promise((resolve) => setTimeout(resolve, 20))
}
const [topic, body] = await first
console.log(`ws: ${topic} -> ${body}`)

const rep = new Reply()
await rep.bind("tcp://127.0.0.1:0")
const req = new Request({ receiveTimeout: 5000 })
req.connect(rep.lastEndpoint!)
await req.send("ping from Deno")
const [question] = await rep.receive()
await rep.send(`pong (${question})`)
console.log(`tcp: ${await req.receive()}`)

for (const socket of [sub, pub, req, rep]) socket.close()
console.log("deno example: done")
