// brokerless/v5-compat `zmq.socket("stream")`: a 5.x STREAM socket serving a real HTTP client
// (node:http), as old code used it: "message" events of (id, data), send([id, data]).
import t from "tap"
import { get } from "node:http"
import * as zmq from "../../lib/v5-compat.js"
import { within } from "../helpers/events.js"

t.test("a v5 stream socket answers an HTTP/1.0 GET and closes the connection", async (t) => {
  const s = zmq.socket("stream", { linger: 0 })
  t.teardown(() => s.close())
  t.equal(s.getsockopt(zmq.ZMQ_TYPE), zmq.ZMQ_STREAM)
  const seen: string[] = []
  s.on("message", (id: Buffer, data: Buffer) => {
    if (data.length === 0) return void seen.push("notification")
    seen.push(String(data).split("\r\n")[0]!)
    s.send([id, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from v5"])
    s.send([id, ""])
  })
  const endpoint = await within(new Promise<string>((resolve, reject) =>
    s.bind("tcp://127.0.0.1:0", (e) => (e ? reject(e) : resolve(String(s.getsockopt(zmq.ZMQ_LAST_ENDPOINT)))))), 3000, "bind")
  const body = await within(new Promise<string>((resolve, reject) => {
    get(`${endpoint.replace("tcp:", "http:")}/path`, (res) => {
      let text = ""
      res.on("data", (d) => (text += String(d)))
      res.on("end", () => resolve(`${res.statusCode} ${text}`))
    }).on("error", reject)
  }), 5000, "http response")
  t.equal(body, "200 hello from v5")
  t.equal(seen[0], "notification")
  t.equal(seen[1], "GET /path HTTP/1.1")
})
