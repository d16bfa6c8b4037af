// zeromq.js's binding-level API: Context and the `context` option, `new Socket(type)` with
// libzmq's numeric types, numeric option ids, libzmq options kept to be read back, read-only
// and unknown options, and the warning for options set on a live socket.
import t from "tap"
import { Context, Dealer, Push, Pull, Router, Socket, context } from "../../lib/index.js"
import { uniqAddress } from "../helpers/address.js"

t.test("Context: options stored and read back, read-only and unknown options, argument checks", async (t) => {
  const ctx = new Context({ ioThreads: 4, ipv6: true })
  t.equal(ctx.ioThreads, 4)
  t.equal(ctx.ipv6, true)
  ctx.maxSockets = 10
  t.equal(ctx.maxSockets, 10)
  t.throws(() => { (ctx as unknown as Record<string, number>).maxSocketsLimit = 1 }, /only a getter/)
  t.throws(() => { (ctx as unknown as Record<string, number>).nope = 1 }, /object is not extensible/)
  t.throws(() => new Context({ ioThreads: "x" } as never), /Option value must be a number/)
  t.throws(() => new Context(1 as never), /Options must be an object/)
  t.throws(() => new Context({ nope: 1 } as never), /Cannot add property nope/)
})

t.test("the context option: default context, a given one, an invalid one, maxSockets", async (t) => {
  const a = new Dealer()
  t.teardown(() => a.close())
  t.equal(a.context, context)
  const ctx = new Context({ maxSockets: 2 })
  const b = new Dealer({ context: ctx })
  const c = new Push({ context: ctx })
  t.equal(b.context, ctx)
  t.throws(() => new Pull({ context: ctx }), { code: "EMFILE" }, "a third socket is over maxSockets")
  c.close()
  const d = new Pull({ context: ctx }) // close() gave its place back
  b.close(); d.close()
  t.throws(() => new Dealer({ context: {} } as never), { code: "EINVAL", message: "Invalid argument" })
})

t.test("new Socket(type): libzmq's numbers make working sockets; bad types are errors", async (t) => {
  const pull = new Socket(7) as unknown as Pull // ZMQ_PULL
  const push = new Socket(8, { linger: 0 }) as unknown as Push // ZMQ_PUSH
  t.teardown(() => { push.close(); pull.close() })
  t.ok(pull instanceof Pull && pull instanceof Socket && new Dealer() instanceof Socket)
  const address = uniqAddress("tcp")
  await pull.bind(address)
  push.connect(pull.lastEndpoint!)
  await push.send("over a numeric socket")
  t.same((await pull.receive()).map(String), ["over a numeric socket"])
  t.throws(() => new Socket(37), { code: "EINVAL" })
  t.throws(() => new Socket("x" as never), /Socket type must be a number/)
  t.throws(() => new Socket(1, 1 as never), /Options must be an object/)
  t.throws(() => (Socket as unknown as (n: number) => void)(1), /cannot be invoked without 'new'/)
})

t.test("a subclass of Socket keeps its own methods", async (t) => {
  class Mine extends Socket {
    constructor() { super(5) }
    hello(): string { return "mine" }
  }
  const mine = new Mine()
  t.teardown(() => mine.close())
  t.equal(mine.hello(), "mine")
  t.ok(mine instanceof Mine && mine instanceof Dealer)
  t.equal(mine.type, "DEALER")
})

t.test("numeric option ids read and write the named options", async (t) => {
  const s = new Router() as unknown as Record<string, (...a: unknown[]) => unknown> & Router
  t.teardown(() => s.close())
  t.equal(s.getInt32Option(19), 100, "ZMQ_BACKLOG default")
  s.setInt32Option(19, 75)
  t.equal(s.backlog, 75)
  s.setBoolOption(33, true)
  t.equal(s.mandatory, true, "ZMQ_ROUTER_MANDATORY is the mandatory option")
  s.setInt64Option(22, 2 ** 40)
  t.equal(s.maxMessageSize, 2 ** 40, "ZMQ_MAXMSGSIZE is an int64")
  s.setStringOption(5, Buffer.from("åb"))
  t.equal(s.getStringOption(5), "åb")
  t.equal(s.getInt32Option(16), 6, "ZMQ_TYPE of a Router")
  t.equal(s.getInt32Option(43), 0, "ZMQ_MECHANISM: null")
  s.plainServer = true
  t.equal(s.getInt32Option(43), 1)
  t.equal(s.securityMechanism, "plain")
  t.throws(() => s.getInt32Option(9999), { code: "EINVAL" })
  t.throws(() => s.setInt32Option(16, 1), { code: "EINVAL" }, "ZMQ_TYPE is read-only")
})

t.test("read-only and unknown options throw as zeromq.js's sealed sockets do", async (t) => {
  const s = new Dealer()
  t.teardown(() => s.close())
  t.throws(() => { (s as unknown as Record<string, number>).securityMechanism = 1 }, { name: "TypeError", message: "Cannot set property securityMechanism of #<Socket> which has only a getter" })
  t.throws(() => { (s as unknown as Record<string, number>).doesNotExist = 1 }, { name: "TypeError", message: "Cannot add property doesNotExist, object is not extensible" })
  t.throws(() => new Dealer({ doesNotExist: 1 } as never), /object is not extensible/)
  t.throws(() => new Dealer({ recoveryInterval: "x" } as never), /Option value must be a number/)
  t.equal(new Dealer({ recoveryInterval: 5, linger: 0 }).recoveryInterval, 5)
})

t.test("an option that acts only at the next bind/connect warns when set on a live socket", async (t) => {
  const warnings: string[] = []
  const onWarning = (w: Error): void => { warnings.push(w.message) }
  process.on("warning", onWarning)
  t.teardown(() => { process.off("warning", onWarning) })
  const s = new Dealer()
  t.teardown(() => s.close())
  s.routingId = "before" // no endpoint yet: silent
  s.connect(uniqAddress("ipc"))
  s.linger = 0 // acts at once: silent
  s.routingId = "after"
  await new Promise(process.nextTick)
  t.same(warnings, ["Socket option will not take effect until next connect/bind."])
})
