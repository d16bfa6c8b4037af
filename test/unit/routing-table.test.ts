// RoutingTable over plain pipes (no sockets): id assignment, generated ids, duplicates and
// handover as libzmq router_t::identify_peer does them.
import t from "tap"
import { RoutingTable } from "../../lib/pattern/routing-table.js"
import { Pipe, type PeerInfo, type PipeOwner } from "../../lib/pipe/pipe.js"

const owner: PipeOwner = { onPipeReadable() {}, onPipeWritable() {}, onPipeDrained() {}, onPipeCommand() {} }

function pipe(identity?: string): Pipe {
  const p = new Pipe(owner, 10, 10, "inproc://unit")
  const peer: PeerInfo = {
    socketType: "DEALER", identity: identity === undefined ? undefined : Buffer.from(identity),
    metadata: new Map(), minor: 1, address: "unit",
  }
  p.peer = peer
  return p
}

t.test("a peer's Identity becomes its routing id", async (t) => {
  const table = new RoutingTable(0)
  const p = pipe("alice")
  t.same(table.identify(p, false), { ok: true })
  t.equal(String(p.routingId), "alice")
  t.equal(table.lookup(Buffer.from("alice")), p)
  t.equal(table.size, 1)
})

t.test("peers without an Identity get 0x00 + a u32 big-endian counter", async (t) => {
  const table = new RoutingTable(0xfffffffe)
  const ids = [pipe(), pipe(), pipe()].map((p) => (table.identify(p, false), p.routingId!))
  t.same(ids.map((id) => id.toString("hex")), ["00fffffffe", "00ffffffff", "0000000000"], "wraps at 2^32")
  for (const id of ids) t.ok(table.lookup(id))
})

t.test("the counter starts at a random value by default", async (t) => {
  const starts = new Set(Array.from({ length: 8 }, () => new RoutingTable().generate().toString("hex")))
  t.ok(starts.size > 1)
})

t.test("a taken Identity is refused without handover; the first owner keeps it", async (t) => {
  const table = new RoutingTable(0)
  const first = pipe("dup")
  const second = pipe("dup")
  table.identify(first, false)
  t.same(table.identify(second, false), { ok: false })
  t.equal(second.routingId, undefined)
  t.equal(table.lookup(Buffer.from("dup")), first)
})

t.test("handover moves the id to the new pipe and gives the old one a generated id", async (t) => {
  const table = new RoutingTable(7)
  const first = pipe("dup")
  const second = pipe("dup")
  table.identify(first, true)
  const result = table.identify(second, true)
  t.same(result, { ok: true, displaced: first })
  t.equal(table.lookup(Buffer.from("dup")), second)
  t.equal(first.routingId!.toString("hex"), "0000000007")
  t.equal(table.lookup(first.routingId!), first, "old pipe still routable until it closes")
  table.remove(first)
  t.equal(table.lookup(Buffer.from("dup")), second, "removing the old pipe leaves the new entry")
  t.equal(table.size, 1)
})

t.test("a preset (connect) id wins over the peer's Identity and survives reconnects", async (t) => {
  const table = new RoutingTable(0)
  const p = pipe("peer-says")
  t.ok(table.add(p, Buffer.from("preset")))
  t.same(table.identify(p, false), { ok: true })
  t.equal(String(p.routingId), "preset")
  p.peer = { ...p.peer!, identity: Buffer.from("changed") }
  t.same(table.identify(p, false), { ok: true }, "reconnect")
  t.equal(String(p.routingId), "preset")
})

t.test("a preset id already in use is refused", async (t) => {
  const table = new RoutingTable(0)
  const p = pipe("x")
  table.identify(p, false)
  t.notOk(table.add(pipe(), Buffer.from("x")))
  t.equal(table.lookup(Buffer.from("x")), p)
})

t.test("remove forgets only the pipe's own entry and keeps pipe.routingId", async (t) => {
  const table = new RoutingTable(0)
  const p = pipe("a")
  table.identify(p, false)
  table.remove(p)
  t.equal(table.lookup(Buffer.from("a")), undefined)
  t.equal(String(p.routingId), "a", "messages already received still carry it")
  table.remove(pipe()) // unknown pipe: no-op
  t.equal(table.size, 0)
})

t.test("ids are compared as octets, not as text", async (t) => {
  const table = new RoutingTable(0)
  const a = pipe()
  const b = pipe()
  t.ok(table.add(a, Buffer.from([0xc3, 0xa9])))
  t.ok(table.add(b, Buffer.from([0xe9])))
  t.equal(table.lookup(Buffer.from([0xc3, 0xa9])), a)
  t.equal(table.lookup(Buffer.from([0xe9])), b)
})
