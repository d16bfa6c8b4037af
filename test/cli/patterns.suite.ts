// The socket commands end to end, process against process: push/pull, req/rep, pub/sub,
// dealer/router, pair, radio/dish, frame separators and output formats. Both processes of a
// test start at once on a fresh ipc path (the connecting side retries until the bind is there),
// and the tests run in parallel: process starts dominate the time on a loaded machine.
import t from "tap"
import { uniqAddress } from "../helpers/address.js"
import { bound, cli } from "./cli-process.js"

t.setTimeout(120_000)
t.jobs = 2
const ipc = () => uniqAddress("ipc")

t.test("push from stdin lines to pull over tcp, multipart with --separator", async (t) => {
  const pull = cli(t, ["pull", "-b", "tcp://127.0.0.1:0", "-n", "3", "-t", "20000"])
  const push = cli(t, ["push", "-c", await bound(pull), "-s", "|", "-t", "20000"], "one\ntwo|parts\nthree\n")
  t.equal(await push.exited(), 0, push.stderr)
  t.equal(await pull.exited(), 0, pull.stderr)
  t.same(pull.lines(), ["one", "two|parts", "three"])
})

t.test("push repeats its arguments up to --count; hex input, json output", async (t) => {
  const ep = ipc()
  const pull = cli(t, ["pull", "-b", ep, "-n", "4", "-f", "json", "-t", "20000"])
  const push = cli(t, ["push", "-c", ep, "-n", "4", "-f", "hex", "68690a", "00ff 41"])
  t.equal(await push.exited(), 0, push.stderr)
  t.equal(await pull.exited(), 0, pull.stderr)
  t.same(pull.lines().map((l) => JSON.parse(l) as unknown), [
    { frames: [{ hex: "68690a" }] }, { frames: [{ hex: "00ff" }, "A"] },
    { frames: [{ hex: "68690a" }] }, { frames: [{ hex: "00ff" }, "A"] },
  ])
})

t.test("req prints the replies of rep --echo; rep prints the requests", async (t) => {
  const ep = ipc()
  const rep = cli(t, ["rep", "-b", ep, "--echo", "-n", "2", "-t", "20000"])
  const req = cli(t, ["req", "-c", ep, "-t", "20000", "ping", "pong"])
  t.equal(await req.exited(), 0, req.stderr)
  t.same(req.lines(), ["ping", "pong"])
  t.equal(await rep.exited(), 0)
  t.same(rep.lines(), ["ping", "pong"])
})

t.test("rep --reply answers with a fixed text; rep without it answers with stdin lines", async (t) => {
  const [a, b] = [ipc(), ipc()]
  const fixed = cli(t, ["rep", "-b", a, "--reply", "pong", "-n", "1"])
  const fromStdin = cli(t, ["rep", "-b", b, "-n", "2"], "first\nsecond\n")
  const req1 = cli(t, ["req", "-c", a, "-t", "20000", "ping"])
  const req2 = cli(t, ["req", "-c", b, "-t", "20000", "x", "y"])
  t.equal(await req1.exited(), 0, req1.stderr)
  t.same(req1.lines(), ["pong"])
  t.equal(await req2.exited(), 0, req2.stderr)
  t.same(req2.lines(), ["first", "second"])
  t.equal(await fixed.exited(), 0)
  t.equal(await fromStdin.exited(), 0)
})

t.test("pub --subscribers waits for the sub, which gets only its topic", async (t) => {
  const ep = ipc()
  const pub = cli(t, ["pub", "-b", ep, "--subscribers", "1", "-t", "20000", "weather.rain", "sport.goal", "weather.sun"])
  const sub = cli(t, ["sub", "-c", ep, "-n", "2", "-t", "20000", "weather."])
  t.equal(await sub.exited(), 0, sub.stderr)
  t.same(sub.lines(), ["weather.rain", "weather.sun"])
  t.equal(await pub.exited(), 0, pub.stderr)
})

t.test("dealer talks to router --echo; the router prints routing id|frames", async (t) => {
  const ep = ipc()
  const router = cli(t, ["router", "-b", ep, "--echo", "-n", "1", "-t", "20000"])
  const dealer = cli(t, ["dealer", "-c", ep, "--routing-id", "me", "-t", "20000", "hello"])
  t.equal(await dealer.exited(), 0, dealer.stderr)
  t.same(dealer.lines(), ["hello"])
  t.equal(await router.exited(), 0)
  t.same(router.lines(), ["me|hello"])
})

t.test("pair both ways; quoted input and output, text shows a binary frame as 0x hex", async (t) => {
  const ep = ipc()
  const a = cli(t, ["pair", "-b", ep, "--reply", "back", "-n", "1", "-t", "20000"])
  const b = cli(t, ["pair", "-c", ep, "-f", "quoted", "-t", "20000", '"tab\\there\\x00"'])
  t.equal(await b.exited(), 0, b.stderr)
  t.same(b.lines(), ['"back"'])
  t.equal(await a.exited(), 0)
  t.same(a.lines(), ["0x746162096865726500"])
})

t.test("radio to dish: only joined groups arrive, printed as group|body", async (t) => {
  const ep = ipc()
  const dish = cli(t, ["dish", "-b", ep, "-n", "2", "-t", "20000", "news"])
  // A radio drops messages until the dish's JOIN arrived: --delay spaces the sends out.
  const radio = cli(t, ["radio", "-c", ep, "-s", "|", "-d", "100", "-n", "200", "news|a", "other|b"])
  t.equal(await dish.exited(), 0, dish.stderr)
  t.same(dish.lines(), ["news|a", "news|a"])
  radio.kill()
})

t.test("msgpack: JSON values in, JSON values out", async (t) => {
  const ep = ipc()
  const pull = cli(t, ["pull", "-b", ep, "-n", "2", "-f", "msgpack", "-t", "20000"])
  const push = cli(t, ["push", "-c", ep, "-f", "msgpack"], '{"temp":21.5,"city":"Oslo"}\n[1,"two",null]\n')
  t.equal(await push.exited(), 0, push.stderr)
  t.equal(await pull.exited(), 0, pull.stderr)
  t.same(pull.lines().map((l) => JSON.parse(l) as unknown), [{ temp: 21.5, city: "Oslo" }, [1, "two", null]])
})

t.test("bad input lines fail with exit 1 and say why", async (t) => {
  const ep = ipc()
  const pull = cli(t, ["pull", "-b", ep, "-n", "1", "-t", "20000"])
  const push = cli(t, ["push", "-c", ep, "-f", "hex", "-t", "20000"], "41\nnot-hex\n")
  t.equal(await push.exited(), 1)
  t.match(push.stderr, /not hex: "not-hex"/)
  t.equal(await pull.exited(), 0)
  t.same(pull.lines(), ["A"])
})

t.test("xpub prints the subscriptions of an xsub; a receiver with nothing to receive times out with exit 1", async (t) => {
  const ep = ipc()
  const xpub = cli(t, ["xpub", "-b", ep, "-n", "1", "-f", "quoted", "-t", "20000"])
  const xsub = cli(t, ["xsub", "-c", ep, "-t", "3000", "news"])
  t.equal(await xpub.exited(), 0, xpub.stderr)
  t.same(xpub.lines(), ['"\\x01news"'])
  t.equal(await xsub.exited(), 1)
  t.match(xsub.stderr, /timed out after 3000 ms/)
})
