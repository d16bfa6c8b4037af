// Discovery without multicast: static seeds and unicast DNS SRV, behind the same browse() API.
// No multicast is sent, so these run outside a network namespace.
import t from "tap"
import { browse } from "../../lib/discovery/index.js"
import { srvName } from "../../lib/discovery/polling-browse.js"
import { FakeTarget } from "./fixtures/fake-target.js"
import { DnsServer } from "./fixtures/dns-server.js"

t.test("seeds mode connects the listed endpoints and follows changes on refresh", async (t) => {
  let list = ["tcp://127.0.0.1:5001", "tcp://127.0.0.1:5002"]
  const push = new FakeTarget("PUSH")
  const br = browse(push, "jobs", { discovery: { mode: "seeds", seeds: () => list, refreshInterval: 50 } })
  t.teardown(() => br.stop())
  await push.waitFor("both seeds", () => push.connected.size === 2)
  t.equal(push.eventsOf("discovery:up")[0]?.source, "seeds")

  list = ["tcp://127.0.0.1:5002", "tcp://127.0.0.1:5003"]
  await push.waitFor("the diff", () => push.connected.has("tcp://127.0.0.1:5003") && !push.connected.has("tcp://127.0.0.1:5001"))
  t.same(push.calls.slice(2), ["connect tcp://127.0.0.1:5003", "disconnect tcp://127.0.0.1:5001"])
  t.same(push.eventsOf("discovery:down").map((e) => [e.instance, e.reason]), [["tcp://127.0.0.1:5001", "removed"]])

  await br.stop()
  t.same([...push.connected], [], "stop() disconnects everything it connected")
})

t.test("seeds mode from a static map and from BROKERLESS_DISCOVERY", async (t) => {
  const a = new FakeTarget("DEALER")
  const b1 = browse(a, "svc", { discovery: { mode: "seeds", seeds: { svc: ["ipc:///tmp/svc.sock"] } } })
  t.teardown(() => b1.stop())
  await a.waitFor("map seed", () => a.connected.has("ipc:///tmp/svc.sock"))

  const saved = process.env.BROKERLESS_DISCOVERY
  process.env.BROKERLESS_DISCOVERY = "seeds:svc=tcp://10.1.2.3:7000,tcp://10.1.2.4:7000;other=tcp://10.9.9.9:1"
  t.teardown(() => { if (saved === undefined) delete process.env.BROKERLESS_DISCOVERY; else process.env.BROKERLESS_DISCOVERY = saved })
  const b = new FakeTarget("DEALER")
  const b2 = browse(b, "svc")
  t.teardown(() => b2.stop())
  await b.waitFor("env seeds", () => b.connected.size === 2)
  t.same([...b.connected].sort(), ["tcp://10.1.2.3:7000", "tcp://10.1.2.4:7000"])
})

t.test("dns mode resolves SRV + TXT + A and diffs the answer on refresh", async (t) => {
  //   zone: jobs._zmtp._tcp.example.test SRV -> w1:6001, w2:6002; TXT type=PULL; A w1,w2 -> 127.0.0.1
  const dns = await DnsServer.start()
  t.teardown(() => dns.close())
  const fqdn = srvName("jobs", "example.test")
  dns.zone.srv[fqdn] = [{ port: 6001, target: "w1.example.test" }, { port: 6002, target: "w2.example.test" }]
  dns.zone.txt[fqdn] = ["txtvers=1", "type=PULL", "zmtp=3.1"]
  dns.zone.a["w1.example.test"] = "127.0.0.1"
  dns.zone.a["w2.example.test"] = "127.0.0.2"

  const push = new FakeTarget("PUSH")
  const br = browse(push, "jobs", { discovery: { mode: "dns", domain: "example.test", dnsServers: [dns.address], refreshInterval: 50 } })
  t.teardown(() => br.stop())
  await push.waitFor("both SRV targets", () => push.connected.size === 2)
  t.same([...push.connected].sort(), ["tcp://127.0.0.1:6001", "tcp://127.0.0.2:6002"])
  const up = push.eventsOf("discovery:up")[0]
  t.equal(up?.source, "dns")
  t.equal(up?.socketType, "PULL")

  dns.zone.srv[fqdn] = [{ port: 6002, target: "w2.example.test" }]
  await push.waitFor("w1 removed", () => !push.connected.has("tcp://127.0.0.1:6001"))
  t.same(push.eventsOf("discovery:down").map((e) => [e.instance, e.reason]), [["w1.example.test:6001", "removed"]])

  delete dns.zone.srv[fqdn]
  delete dns.zone.txt[fqdn]
  await push.waitFor("name gone (NXDOMAIN)", () => push.connected.size === 0)
})

t.test("dns mode ignores an incompatible socket type from TXT", async (t) => {
  const dns = await DnsServer.start()
  t.teardown(() => dns.close())
  const fqdn = srvName("news", "example.test")
  dns.zone.srv[fqdn] = [{ port: 6100, target: "127.0.0.1" }]
  dns.zone.txt[fqdn] = ["type=PUB"]
  const push = new FakeTarget("PUSH")
  const br = browse(push, "news", { discovery: { mode: "dns", domain: "example.test", dnsServers: [dns.address], refreshInterval: 50 } })
  t.teardown(() => br.stop())
  await push.waitFor("ignored", () => push.eventsOf("discovery:ignored").length > 0)
  t.match(push.eventsOf("discovery:ignored")[0]?.reason, /incompatible socket type PUB/)
  t.equal(push.connected.size, 0)

  const sub = new FakeTarget("SUB")
  const br2 = browse(sub, "news", { discovery: { mode: "dns", domain: "example.test", dnsServers: [dns.address] } })
  t.teardown(() => br2.stop())
  await sub.waitFor("SUB connects", () => sub.connected.has("tcp://127.0.0.1:6100"))
})
