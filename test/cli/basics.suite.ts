// The `brokerless` command as a process: --help (global and per command), exit codes, keygen,
// monitor and the --stats hook.
import t from "tap"
import { bound, cli } from "./cli-process.js"

t.setTimeout(120_000)
const LOOPBACK = "tcp://127.0.0.1:0"

t.test("--help lists the socket types and exits 0; each command has its own --help", async (t) => {
  const help = cli(t, ["--help"])
  t.equal(await help.exited(), 0)
  for (const type of ["push", "pull", "pub", "sub", "req", "rep", "dealer", "router", "pair", "radio", "dish", "keygen", "monitor"]) {
    t.match(help.stdout, new RegExp(`\\n  ${type} `), `lists ${type}`)
  }
  const sub = cli(t, ["sub", "--help"])
  t.equal(await sub.exited(), 0)
  t.match(sub.stdout, /Usage: brokerless sub \[options\] \[topic\.\.\.\]/)
  t.match(sub.stdout, /--connect <endpoint>/)
})

t.test("usage errors exit 2, failures exit 1", async (t) => {
  // All at once: each is a process start, slow on a loaded machine.
  const noEndpoint = cli(t, ["push", "x"])
  const unknown = cli(t, ["frobnicate"])
  const badFormat = cli(t, ["pull", "-b", LOOPBACK, "--format", "yaml"])
  const badCount = cli(t, ["pull", "-b", LOOPBACK, "--count", "zero"])
  const badScheme = cli(t, ["pull", "-b", "bogus://x"])
  const badFlag = cli(t, ["rep", "-b", LOOPBACK, "--group", "g"])
  // Nobody listens on port 1: the request cannot go out, and --timeout ends it with exit 1.
  const refused = cli(t, ["req", "-c", "tcp://127.0.0.1:1", "-t", "300", "ping"])
  t.equal(await noEndpoint.exited(), 2, "no endpoint")
  t.match(noEndpoint.stderr, /give at least one --bind or --connect/)
  t.equal(await unknown.exited(), 2, "unknown command")
  t.equal(await badFormat.exited(), 2, "bad --format")
  t.equal(await badCount.exited(), 2, "bad --count")
  t.equal(await badScheme.exited(), 2, "unknown transport")
  t.equal(await badFlag.exited(), 2, "--group on rep")
  t.equal(await refused.exited(), 1, "timeout")
  t.match(refused.stderr, /timed out after 300 ms/)
})


t.test("keygen prints a Z85 key pair, as text or JSON", async (t) => {
  const text = cli(t, ["keygen"])
  const json = cli(t, ["keygen", "--json"])
  t.equal(await text.exited(), 0)
  t.match(text.stdout, /^public: \S{40}\nsecret: \S{40}\n$/)
  t.equal(await json.exited(), 0)
  const pair = JSON.parse(json.stdout) as { publicKey: string; secretKey: string }
  t.equal(pair.publicKey.length, 40)
  t.not(pair.publicKey, pair.secretKey)
})

t.test("monitor prints the event stream of a connecting socket, one line each", async (t) => {
  const rep = cli(t, ["rep", "-b", "tcp://127.0.0.1:0", "--echo", "-t", "20000"])
  const endpoint = await bound(rep, 20_000)
  const ok = cli(t, ["monitor", endpoint, "-T", "req", "-n", "3", "-t", "20000"])
  const wrong = cli(t, ["monitor", endpoint, "-T", "pub", "--json", "-n", "3", "-t", "20000"])
  t.equal(await ok.exited(20_000), 0, ok.stderr)
  t.same(ok.lines().map((l) => l.split(" ")[1]), ["connect:delay", "connect", "handshake"])
  t.match(ok.lines()[2], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+ handshake ${endpoint}$`))
  t.equal(await wrong.exited(20_000), 0, wrong.stderr)
  const events = wrong.lines().map((l) => JSON.parse(l) as { type: string; error?: { code: string } })
  t.equal(events[2]?.type, "handshake:error:protocol", "PUB to REP is refused")
  t.equal(events[2]?.error?.code, "ERR_ZMTP_INCOMPATIBLE_SOCKET_TYPE")
  rep.kill()
})

t.test("--stats prints socket.stats() on exit, or says it is not there", async (t) => {
  const pull = cli(t, ["pull", "-b", "tcp://127.0.0.1:0", "-n", "1", "--stats", "-t", "20000"])
  const push = cli(t, ["push", "-c", await bound(pull, 20_000), "one"])
  t.equal(await push.exited(20_000), 0)
  t.equal(await pull.exited(20_000), 0)
  t.match(pull.stderr, /stats: \{"sent":\{"messages":0,"bytes":0\},"received":\{"messages":1,"bytes":3\}/)
})
