// Request/reply: one Reply server, three Request clients, each getting its own answers back.
//
//   Request(client 0) --+
//   Request(client 1) --+--tcp--> Reply (uppercases every request)
//   Request(client 2) --+
//
// Build first (npx tsc -p .), then: node examples/reqrep.js
import { Reply, Request } from "../dist/index.js"

const server = new Reply()
await server.bind("tcp://127.0.0.1:0")

// The server answers until it is closed; each reply goes back to the client that asked.
const serving = (async () => {
  for await (const [request] of server) await server.send(String(request).toUpperCase())
})()

const clients = [0, 1, 2].map(() => new Request({ receiveTimeout: 5000 }))
for (const client of clients) client.connect(server.lastEndpoint)

await Promise.all(clients.map(async (client, i) => {
  for (let n = 0; n < 3; n++) {
    await client.send(`hello ${n} from client ${i}`) // a second send before the reply would be EFSM
    const [reply] = await client.receive()
    console.log(`client ${i} got: ${reply}`)
  }
}))

for (const client of clients) client.close()
server.close()
await serving
