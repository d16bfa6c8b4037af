// `brokerless discover` and mdns:// endpoints from the command line, with real mDNS inside a
// private network namespace (test/helpers/netns.ts): every process spawned here inherits it.
import t from "tap"
import { runsInNetns } from "../helpers/netns.js"
import { bound, cli } from "./cli-process.js"

t.setTimeout(120_000)
const name = `cli${process.pid}`

if (runsInNetns(t)) {
  t.test("an advertised pull is listed by discover --once and reached by push -c mdns://name", async (t) => {
    const pull = cli(t, ["pull", "-b", "tcp://127.0.0.1:0", "--advertise", name, "-n", "1", "-t", "30000"])
    const endpoint = await bound(pull)
    const list = cli(t, ["discover", "--once", "--timeout", "2500", "--name", name])
    t.equal(await list.exited(), 0, list.stderr)
    const [header, row] = list.lines()
    t.match(header, /^NAME +TYPE +HOST +ENDPOINTS +STATE +SINCE$/)
    t.match(row, new RegExp(`^${name} +PULL +\\S+ +${endpoint.replace(/[.]/g, "\\.")} +up +\\d\\d:\\d\\d:\\d\\d$`))
    const push = cli(t, ["push", "-c", `mdns://${name}`, "-t", "30000", "found you"])
    t.equal(await push.exited(), 0, push.stderr)
    t.equal(await pull.exited(), 0, pull.stderr)
    t.same(pull.lines(), ["found you"])
  })

  t.test("discover --json reports a service up, then down when it exits (goodbye)", async (t) => {
    const watch = cli(t, ["discover", "--json", "--name", `${name}b`, "-t", "60000"])
    const rep = cli(t, ["rep", "-b", "tcp://127.0.0.1:0", "--advertise", `${name}b`, "--echo"])
    await watch.waitFor(/"state":"up"/)
    rep.child.kill("SIGTERM")
    t.equal(await rep.exited(), 0, "SIGTERM is a normal end")
    await watch.waitFor(/"state":"down"/)
    const events = watch.lines().map((l) => JSON.parse(l) as { name: string; type: string; state: string })
    t.same(events.map((e) => [e.name, e.type, e.state]), [[`${name}b`, "REP", "up"], [`${name}b`, "REP", "down"]])
    watch.kill()
  })
}
