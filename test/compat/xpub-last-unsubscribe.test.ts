// XPUB tells the application when the last subscriber of a topic goes away (libzmq xpub's
// pipe-terminated cancels): "\x00topic" once no connected subscriber holds the topic, directly
// and through a proxy that forwards subscriptions upstream. Real tcp, real disconnects.
import t from "tap"
import { Subscriber, XPublisher, XSubscriber, proxy } from "../../lib/index.js"

t.setTimeout(20_000)

/** The next notice from `xpub`, as text, within `ms`. */
async function nextNotice(xpub: XPublisher, ms = 5000): Promise<string> {
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no notice")), ms).unref())
  const [frame] = await Promise.race([xpub.receive(), timer])
  return JSON.stringify(frame!.toString("latin1"))
}

t.test("the last subscriber of a topic closing gives \\x00topic, no earlier", async (t) => {
  const xpub = new XPublisher({ linger: 0 })
  const a = new Subscriber({ linger: 0 })
  const b = new Subscriber({ linger: 0 })
  t.teardown(() => { a.close(); b.close(); xpub.close() })
  await xpub.bind("tcp://127.0.0.1:0")
  a.connect(xpub.lastEndpoint!)
  a.subscribe("dup")
  t.equal(await nextNotice(xpub), JSON.stringify("\x01dup"))
  b.connect(xpub.lastEndpoint!)
  b.subscribe("dup", "other")
  t.equal(await nextNotice(xpub), JSON.stringify("\x01other"), "dup was already known: only other is new")
  b.close()
  t.equal(await nextNotice(xpub), JSON.stringify("\x00other"), "B was the last with other")
  a.close()
  t.equal(await nextNotice(xpub), JSON.stringify("\x00dup"), "A was the last with dup")
})

t.test("through a proxy forwarding subscriptions, the cancel reaches the upstream XPUB", async (t) => {
  //   upstream XPUB <- XSUB [proxy] XPUB <- Subscriber
  const upstream = new XPublisher({ linger: 0 })
  const frontend = new XSubscriber({ linger: 0 })
  const backend = new XPublisher({ linger: 0 })
  const sub = new Subscriber({ linger: 0 })
  t.teardown(() => { sub.close(); frontend.close(); backend.close(); upstream.close() })
  await upstream.bind("tcp://127.0.0.1:0")
  await backend.bind("tcp://127.0.0.1:0")
  frontend.connect(upstream.lastEndpoint!)
  const running = proxy(frontend, backend).catch(() => undefined)
  sub.connect(backend.lastEndpoint!)
  sub.subscribe("news")
  t.equal(await nextNotice(upstream), JSON.stringify("\x01news"))
  sub.close()
  t.equal(await nextNotice(upstream), JSON.stringify("\x00news"))
  frontend.close(); backend.close()
  await running
})
