// Input validation (EINVAL at the API edge) and the pure TXT/endpoint helpers. No network.
import t from "tap"
import { advertise, browse, parseDiscoveryEndpoint } from "../../lib/discovery/index.js"
import { parseEnv, resolveConfig } from "../../lib/discovery/options.js"
import { advertisedEndpoints, concreteEndpoints, encodeTxt, txtEndpoints } from "../../lib/discovery/txt.js"
import { FakeTarget } from "./fixtures/fake-target.js"

const einval = { code: "EINVAL" }

t.test("bad names are EINVAL", async (t) => {
  const target = new FakeTarget("PUSH")
  for (const name of ["", "a".repeat(41), "bad.name", "-x", "x_", "sp ace", 42 as unknown as string]) {
    t.throws(() => browse(target, name), einval, `browse ${JSON.stringify(name)}`)
    t.throws(() => advertise(target, name), einval, `advertise ${JSON.stringify(name)}`)
  }
  t.throws(() => parseDiscoveryEndpoint("mdns://"), einval)
  t.equal(parseDiscoveryEndpoint("mdns://jobs"), "jobs")
  t.equal(parseDiscoveryEndpoint("tcp://127.0.0.1:1"), undefined)
})

t.test("bad options are EINVAL", async (t) => {
  const target = new FakeTarget("PULL")
  const cases: [string, () => unknown][] = [
    ["options not an object", () => browse(target, "x", null as unknown as object)],
    ["unknown mode", () => browse(target, "x", { discovery: { mode: "carrier-pigeon" as "dns" } })],
    ["refreshInterval 0", () => browse(target, "x", { discovery: { mode: "seeds", seeds: {}, refreshInterval: 0 } })],
    ["seeds mode without seeds", () => browse(target, "x", { discovery: { mode: "seeds" } })],
    ["bad seed endpoint", () => browse(target, "x", { discovery: { mode: "seeds", seeds: { x: ["http://a"] } } })],
    ["dns mode without domain", () => browse(target, "x", { discovery: { mode: "dns" } })],
    ["bad dns server", () => browse(target, "x", { discovery: { mode: "dns", domain: "a.b", dnsServers: ["dns.example"] } })],
    ["unknown interface", () => browse(target, "x", { interface: "nosuchif0" })],
    ["reserved TXT key", () => advertise(target, "x", { txt: { type: "PUB" } })],
    ["TXT key ep0", () => advertise(target, "x", { txt: { ep0: "tcp://1.2.3.4:5" } })],
    ["oversized TXT", () => advertise(target, "x", { txt: { k: "v".repeat(300) } })],
    ["bad id", () => advertise(target, "x", { id: "has space" })],
    ["ttl 0", () => advertise(target, "x", { ttl: 0 })],
    ["fractional ttl", () => advertise(target, "x", { ttl: 1.5 })],
    ["ttl beyond 4500 s", () => advertise(target, "x", { ttl: 4501 })],
    ["bad address", () => advertise(target, "x", { address: "not a host!" })],
  ]
  for (const [what, call] of cases) t.throws(call, einval, what)
})

t.test("BROKERLESS_DISCOVERY forms", async (t) => {
  t.same(parseEnv(undefined), {})
  t.same(parseEnv("mdns"), { mode: "mdns" })
  t.same(parseEnv("dns:svc.example@10.0.0.2,10.0.0.3:5300"), { mode: "dns", domain: "svc.example", dnsServers: ["10.0.0.2", "10.0.0.3:5300"] })
  t.same(parseEnv("seeds:a=tcp://h:1,tcp://h:2;b=ipc:///x"), { mode: "seeds", seeds: { a: ["tcp://h:1", "tcp://h:2"], b: ["ipc:///x"] } })
  t.throws(() => parseEnv("bogus"), einval)
  const config = resolveConfig({ refreshInterval: 1000 }, { BROKERLESS_DISCOVERY: "dns:svc.example" })
  t.same(config, { mode: "dns", domain: "svc.example", refreshInterval: 1000 }, "call options merge over the env")
  t.equal(resolveConfig(undefined, {}).mode, "mdns", "mdns by default")
})

t.test("advertised endpoints and their resolution by a browser", async (t) => {
  const bound = ["tcp://0.0.0.0:4000", "tcp://*:4001", "tcp://[::]:4002", "tcp://10.0.0.5:4003", "ipc:///tmp/s", "inproc://x"]
  t.same(advertisedEndpoints(bound), ["tcp://*:4000", "tcp://*:4001", "tcp://[::]:4002", "tcp://10.0.0.5:4003", "ipc:///tmp/s"],
    "an IPv4 wildcard stays *, a dual-stack one is [::]")
  t.same(advertisedEndpoints(["tcp://0.0.0.0:4000", "ipc:///tmp/s"], "203.0.113.7"), ["tcp://203.0.113.7:4000", "ipc:///tmp/s"], "NAT address")
  const adv = ["tcp://*:4000", "tcp://127.0.0.1:4001", "ipc:///tmp/s", "tcp://[fe80::1]:4002"]
  t.same(concreteEndpoints(adv, { v4: "192.168.1.9" }, true), ["ipc:///tmp/s", "tcp://127.0.0.1:4001", "tcp://192.168.1.9:4000", "tcp://[fe80::1]:4002"])
  t.same(concreteEndpoints(adv, { v4: "192.168.1.9" }, false), ["tcp://192.168.1.9:4000", "tcp://[fe80::1]:4002"], "loopback and ipc only on the same host")
  const both = ["tcp://*:4000", "tcp://[::]:4001"]
  t.same(concreteEndpoints(both, { v4: "192.168.1.9", any: "fd00::9" }, false), ["tcp://192.168.1.9:4000", "tcp://[fd00::9]:4001"])
  t.same(concreteEndpoints(both, { any: "fd00::9" }, false), ["tcp://[fd00::9]:4001"],
    "an IPv4 wildcard is never filled with an IPv6 address: that listener would refuse it")
  const txt = encodeTxt({ name: "n", id: "i", type: "PULL", host: "h", endpoints: ["tcp://*:1", "ipc:///a"], extensions: { codec: "msgpack" }, extra: { env: "prod" } })
  t.same(txt, { env: "prod", txtvers: "1", name: "n", id: "i", type: "PULL", zmtp: "3.1", host: "h", ep0: "tcp://*:1", ep1: "ipc:///a", "x-codec": "msgpack" })
  t.same(txtEndpoints(txt), ["tcp://*:1", "ipc:///a"])
})
