// The browser example's server: one Node http.Server serves the page (index.html) and the
// browser build (dist/browser/brokerless.js), and carries two brokerless sockets over ws:// on
// the same port: a Router at /rpc that answers each Dealer, and a Publisher at /ticks.
//
//   page Dealer ==ws://host/rpc==> Router (here)      Publisher (here) ==ws://host/ticks==> page Subscriber
//
// Build first (npm run build), then: node examples/browser/server.js [port]   (default 8080;
// 0 picks a free one) and open the printed address. Ctrl-C (SIGINT) or SIGTERM stops it.
import { readFile } from "node:fs/promises"
import { createServer } from "node:http"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Publisher, Router } from "../../dist/index.js"

const here = dirname(fileURLToPath(import.meta.url))
const FILES = {
  "/": [join(here, "index.html"), "text/html; charset=utf-8"],
  "/brokerless.js": [join(here, "..", "..", "dist", "browser", "brokerless.js"), "text/javascript"],
}

const http = createServer(async (request, response) => {
  const file = FILES[new URL(request.url ?? "/", "http://x").pathname]
  if (!file) return response.writeHead(404).end("not found")
  try {
    response.writeHead(200, { "content-type": file[1] }).end(await readFile(file[0]))
  } catch {
    response.writeHead(500).end(`missing ${file[0]}: run npm run build`)
  }
})
await new Promise((resolve) => http.listen(Number(process.argv[2] ?? 8080), "127.0.0.1", resolve))
const { port } = http.address()

// Both sockets attach to the page's own server: one port for the page and its WebSockets.
const router = new Router()
await router.bind(`ws://127.0.0.1:${port}/rpc`, { server: http })
const publisher = new Publisher()
await publisher.bind(`ws://127.0.0.1:${port}/ticks`, { server: http })
console.log(`serving http://127.0.0.1:${port}/ (Router at /rpc, Publisher at /ticks)`)

;(async () => {
  for await (const [id, text] of router) {
    await router.send([id, `Node ${process.version} got "${text}"`])
  }
})()

const ticker = setInterval(() => {
  publisher.send(["tick", new Date().toISOString()]).catch(() => {})
}, 500)

function stop() {
  clearInterval(ticker)
  router.close()
  publisher.close()
  http.close()
  console.log("stopped")
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
