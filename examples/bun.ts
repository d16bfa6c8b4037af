// brokerless under Bun: the same package, no native build. A CURVE-secured Router answers a
// Dealer over ws://, and a Push feeds a Pull over ipc://. Exits by itself.
//
//   Dealer ==ws:// + CURVE==> Router        Push --ipc://--> Pull
//
// Build first (npm run build), then: node_modules/.bin/bun examples/bun.ts
import { tmpdir } from "node:os"
import { join } from "node:path"
import { curveKeyPair, Dealer, Pull, Push, Router } from "../dist/index.js"

console.log(`Bun ${Bun.version}`)

// Request/reply over WebSocket, encrypted: the Router holds the server key pair.
const server = curveKeyPair()
const router = new Router({ curveServer: true, curveSecretKey: server.secretKey })
await router.bind("ws://127.0.0.1:0/rpc")
const dealer = new Dealer({ curveServerKey: server.publicKey, receiveTimeout: 5000 })
dealer.connect(router.lastEndpoint!)
await dealer.send("what runtime is this?")
const [id, question] = await router.receive()
await router.send([id!, `Bun ${Bun.version} heard "${question}"`])
const [answer] = await dealer.receive()
console.log(`ws + CURVE: ${answer}`)

// A pipeline over a unix socket.
const pull = new Pull({ receiveTimeout: 5000 })
await pull.bind(`ipc://${join(tmpdir(), `brokerless-bun-${process.pid}.sock`)}`)
const push = new Push()
push.connect(pull.lastEndpoint!)
for (let i = 1; i <= 3; i++) await push.send(`job ${i}`)
for (let i = 1; i <= 3; i++) console.log(`ipc: got ${await pull.receive()}`)

for (const socket of [dealer, router, push, pull]) socket.close()
console.log("bun example: done")
