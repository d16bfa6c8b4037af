// The `brokerless` command against libzmq peers (the `zeromq` package, in this test process):
// push/pull and req/rep both ways, pub/sub, and the security options (CURVE with keys from
// `brokerless keygen` and from libzmq, PLAIN with the command's own ZAP handler).
import t from "tap"
import * as zmq from "zeromq"
import { within } from "../helpers/events.js"
import { bound, cli } from "./cli-process.js"

t.setTimeout(120_000)
t.jobs = 2
const WAIT = 30_000

t.test("brokerless push -> libzmq Pull (bound), multipart", async (t) => {
  const pull = new zmq.Pull({ linger: 0 })
  t.teardown(() => pull.close())
  await pull.bind("tcp://127.0.0.1:*")
  const push = cli(t, ["push", "-c", pull.lastEndpoint!, "-s", "|", "-t", String(WAIT)], "hello|world\nbye\n")
  t.same((await within(pull.receive(), WAIT, "first")).map(String), ["hello", "world"])
  t.same((await within(pull.receive(), WAIT, "second")).map(String), ["bye"])
  t.equal(await push.exited(WAIT), 0, push.stderr)
})

t.test("libzmq Push -> brokerless pull (bound)", async (t) => {
  const pull = cli(t, ["pull", "-b", "tcp://127.0.0.1:0", "-n", "2", "-t", String(WAIT)])
  const push = new zmq.Push({ linger: 0 })
  t.teardown(() => push.close())
  push.connect(await bound(pull, WAIT))
  await push.send(["a", "b"])
  await push.send("c")
  t.equal(await pull.exited(WAIT), 0, pull.stderr)
  t.same(pull.lines(), ["a|b", "c"])
})

t.test("brokerless req -> libzmq Rep; libzmq Req -> brokerless rep --echo", async (t) => {
  const rep = new zmq.Reply({ linger: 0 })
  t.teardown(() => rep.close())
  await rep.bind("tcp://127.0.0.1:*")
  void (async () => { for await (const [msg] of rep) await rep.send(`re: ${String(msg)}`) })().catch(() => undefined)
  const req = cli(t, ["req", "-c", rep.lastEndpoint!, "-t", String(WAIT), "ping"])
  t.equal(await req.exited(WAIT), 0, req.stderr)
  t.same(req.lines(), ["re: ping"])

  const echo = cli(t, ["rep", "-b", "tcp://127.0.0.1:0", "--echo", "-n", "1", "-t", String(WAIT)])
  const zreq = new zmq.Request({ linger: 0 })
  t.teardown(() => zreq.close())
  zreq.connect(await bound(echo, WAIT))
  await zreq.send(["x", "y"])
  t.same((await within(zreq.receive(), WAIT, "echo")).map(String), ["x", "y"])
  t.equal(await echo.exited(WAIT), 0)
})

t.test("brokerless pub --subscribers 1 -> libzmq Sub", async (t) => {
  const pub = cli(t, ["pub", "-b", "tcp://127.0.0.1:0", "--subscribers", "1", "-t", String(WAIT), "a.1", "b.2", "a.3"])
  const sub = new zmq.Subscriber({ linger: 0 })
  t.teardown(() => sub.close())
  sub.subscribe("a.")
  sub.connect(await bound(pub, WAIT))
  t.same((await within(sub.receive(), WAIT, "first")).map(String), ["a.1"])
  t.same((await within(sub.receive(), WAIT, "second")).map(String), ["a.3"])
  t.equal(await pub.exited(WAIT), 0, pub.stderr)
})

t.test("CURVE: keygen keys; brokerless pull --curve-server <- libzmq Push; brokerless push -> libzmq CURVE server", async (t) => {
  const keygen = cli(t, ["keygen", "--json"])
  t.equal(await keygen.exited(WAIT), 0)
  const server = JSON.parse(keygen.stdout) as { publicKey: string; secretKey: string }
  t.match(server.publicKey, /^[0-9a-zA-Z.:+=^!/*?&<>()[\]{}@%$#-]{40}$/, "Z85, 40 characters")

  const pull = cli(t, ["pull", "-b", "tcp://127.0.0.1:0", "--curve-server", "--curve-secret-key", server.secretKey, "-n", "1", "-t", String(WAIT)])
  const client = zmq.curveKeyPair()
  const push = new zmq.Push({ linger: 0, curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey })
  t.teardown(() => push.close())
  push.connect(await bound(pull, WAIT))
  await push.send("secret message")
  t.equal(await pull.exited(WAIT), 0, pull.stderr)
  t.same(pull.lines(), ["secret message"])

  const zkeys = zmq.curveKeyPair()
  const zpull = new zmq.Pull({ linger: 0, curveServer: true, curveSecretKey: zkeys.secretKey, curvePublicKey: zkeys.publicKey })
  t.teardown(() => zpull.close())
  await zpull.bind("tcp://127.0.0.1:*")
  const cpush = cli(t, ["push", "-c", zpull.lastEndpoint!, "--curve-server-key", zkeys.publicKey, "-t", String(WAIT), "to libzmq"])
  t.same((await within(zpull.receive(), WAIT, "curve to libzmq")).map(String), ["to libzmq"])
  t.equal(await cpush.exited(WAIT), 0, cpush.stderr)
})

t.test("PLAIN: brokerless pull --plain-server accepts the right password from libzmq, refuses a wrong one", async (t) => {
  const pull = cli(t, ["pull", "-b", "tcp://127.0.0.1:0", "--plain-server", "--plain-user", "admin", "--plain-password", "s3cret", "-n", "1", "-t", String(WAIT), "--events"])
  const endpoint = await bound(pull, WAIT)
  const bad = new zmq.Push({ linger: 0, plainUsername: "admin", plainPassword: "wrong" })
  const good = new zmq.Push({ linger: 0, plainUsername: "admin", plainPassword: "s3cret" })
  t.teardown(() => { bad.close(); good.close() })
  bad.connect(endpoint)
  await pull.waitFor(/handshake:error:auth/, WAIT)
  void bad.send("from the wrong password").catch(() => undefined)
  good.connect(endpoint)
  await good.send("from admin")
  t.equal(await pull.exited(WAIT), 0, pull.stderr)
  t.same(pull.lines(), ["from admin"])
})
