// A client that closes before its handshake completes still gives the bound socket its
// `disconnect` event after `accept` (libzmq reports every accepted connection's end).
import t from "tap"
import net from "node:net"
import { Reply } from "../../lib/index.js"

t.setTimeout(15_000)

/** The next event of `type`, or a rejection after `ms`. */
function nextEvent(socket: Reply, type: string, ms = 5000): Promise<{ type: string; address?: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event`)), ms)
    const listener = (event: { type: string; address?: string }): void => {
      if (event.type !== type) return
      clearTimeout(timer)
      socket.events.off(type as never, listener as never)
      resolve(event)
    }
    socket.events.on(type as never, listener as never)
  })
}

for (const [name, bytes] of [["nothing", Buffer.alloc(0)], ["half a greeting", Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3])]] as const) {
  t.test(`Reply: a tcp client that sends ${name} and closes gives accept, then disconnect`, async (t) => {
    const reply = new Reply({ linger: 0 })
    t.teardown(() => reply.close())
    await reply.bind("tcp://127.0.0.1:0")
    const port = Number(new URL(reply.lastEndpoint!.replace("tcp:", "http:")).port)
    const accepted = nextEvent(reply, "accept")
    const disconnected = nextEvent(reply, "disconnect")
    const client = net.connect(port, "127.0.0.1", () => { client.end(bytes) })
    client.on("error", () => undefined)
    t.teardown(() => client.destroy())
    await accepted
    const event = await disconnected
    t.equal(event.address, reply.lastEndpoint)
  })
}
