// LoadBalancer over fake pipes (no sockets): round robin, readiness as back-pressure, O(1)
// activation by swaps (libzmq lb_t), detach in every position, pickPreferring for reliable.
import t from "tap"
import { LoadBalancer } from "../../../lib/pattern/load-balancer.js"
import { fakePipe, msg, takeAll, text, type FakePipe } from "../../helpers/fake-pipe.js"

function taken(pipe: FakePipe): string {
  return takeAll(pipe).map(text).join(",")
}

t.test("round robin: one message per pipe in turn", async (t) => {
  const lb = new LoadBalancer()
  const pipes = ["a", "b", "c"].map((name) => fakePipe(name))
  for (const pipe of pipes) lb.attach(pipe)
  for (let i = 1; i <= 6; i++) lb.send(msg(String(i)))
  t.same(pipes.map(taken), ["1,4", "2,5", "3,6"])
})

t.test("send returns the pipe the message went to; undefined with no pipe", async (t) => {
  const lb = new LoadBalancer()
  t.equal(lb.send(msg("lost")), undefined)
  t.notOk(lb.hasReady)
  const a = fakePipe("a")
  lb.attach(a)
  t.equal(lb.send(msg("x")), a)
  t.equal(text(a.outbound.peek()), "x")
})

t.test("a pipe at its high-water mark is skipped until it drains and is activated", async (t) => {
  const lb = new LoadBalancer()
  const a = fakePipe("a", 2)
  const b = fakePipe("b")
  lb.attach(a)
  lb.attach(b)
  for (let i = 1; i <= 6; i++) lb.send(msg(String(i)))
  t.equal(a.writable, false, "a full after two")
  t.equal(taken(a), "1,3")
  t.equal(taken(b), "2,4,5,6")
  t.equal(a.writable, true, "drained: writable again")
  lb.activated(a)
  const next = [lb.send(msg("7")), lb.send(msg("8"))].map((pipe) => pipe?.endpoint).sort()
  t.same(next, ["a", "b"], "back in the round robin")
})

t.test("every pipe full: no ready pipe, send keeps nothing", async (t) => {
  const lb = new LoadBalancer()
  const a = fakePipe("a", 1)
  lb.attach(a)
  t.equal(lb.send(msg("1")), a)
  t.notOk(lb.hasReady)
  t.equal(lb.send(msg("2")), undefined)
  t.equal(a.outbound.length, 1)
})

t.test("attaching a full pipe leaves it inactive; activated() twice counts once", async (t) => {
  const lb = new LoadBalancer()
  const a = fakePipe("a", 1)
  a.write(msg("0"))
  lb.attach(a)
  t.notOk(lb.hasReady)
  takeAll(a)
  lb.activated(a)
  lb.activated(a)
  t.equal(lb.send(msg("1")), a)
  t.notOk(lb.hasReady, "one active entry, not two")
})

t.test("detach works for an active, an inactive and an unknown pipe", async (t) => {
  const lb = new LoadBalancer()
  const a = fakePipe("a")
  const b = fakePipe("b")
  const c = fakePipe("c")
  const d = fakePipe("d", 1)
  for (const pipe of [a, b, c, d]) lb.attach(pipe)
  for (let i = 1; i <= 4; i++) lb.send(msg(String(i))) // d is now full: inactive
  lb.detach(d)
  lb.detach(b)
  lb.detach(fakePipe("z"))
  t.equal(d.outSlot, -1)
  t.equal(b.outSlot, -1)
  const order = [1, 2, 3, 4].map(() => lb.send(msg("x"))?.endpoint)
  t.same(order.filter((name) => name === "a").length, 2, "a and c share the rest evenly")
  t.same(order.filter((name) => name === "c").length, 2)
  lb.detach(a)
  lb.detach(c)
  t.notOk(lb.hasReady)
  t.equal(lb.send(msg("y")), undefined)
})

t.test("a pipe detached as the round robin's current one does not skip its successor", async (t) => {
  const lb = new LoadBalancer()
  const pipes = ["a", "b", "c"].map((name) => fakePipe(name))
  for (const pipe of pipes) lb.attach(pipe)
  lb.send(msg("1")) // a; b is next
  lb.detach(pipes[1]!)
  const order = [lb.send(msg("2")), lb.send(msg("3")), lb.send(msg("4"))].map((pipe) => pipe?.endpoint)
  t.same([...order.slice(0, 2)].sort(), ["a", "c"], "both others served before either twice")
})

t.test("a terminated pipe is dropped at its turn", async (t) => {
  const lb = new LoadBalancer()
  const a = fakePipe("a")
  const b = fakePipe("b")
  lb.attach(a)
  lb.attach(b)
  a.terminate()
  t.equal(lb.send(msg("1")), b)
  t.equal(lb.send(msg("2")), b)
  t.equal(a.outSlot, -1)
})

t.test("pickPreferring: a connected pipe other than the one to avoid", async (t) => {
  const lb = new LoadBalancer()
  const a = fakePipe("a")
  const b = fakePipe("b")
  const down = fakePipe("down")
  down.detach(down.fake) // no connection: only a fallback
  for (const pipe of [down, a, b]) lb.attach(pipe)
  t.equal(lb.pickPreferring(a), b)
  t.equal(lb.pickPreferring(b), a)
  t.not(lb.pickPreferring(undefined), down)
  a.terminate()
  b.terminate()
  t.equal(lb.pickPreferring(undefined), down, "an unconnected pipe as the last resort")
  const alone = new LoadBalancer()
  const only = fakePipe("only")
  alone.attach(only)
  t.equal(alone.pickPreferring(only), only, "the avoided pipe when it is the only one")
})

t.test("20000 pipes: fill, drain, re-activate and detach all stay cheap (swaps, no scans)", async (t) => {
  const lb = new LoadBalancer()
  const pipes = Array.from({ length: 20000 }, (_, i) => fakePipe(`p${i}`, 1))
  for (const pipe of pipes) lb.attach(pipe)
  const served = new Set(pipes.map(() => lb.send(msg("x"))))
  t.equal(served.size, pipes.length, "each pipe exactly once")
  t.notOk(lb.hasReady)
  for (const pipe of pipes) {
    takeAll(pipe)
    lb.activated(pipe)
  }
  t.ok(lb.hasReady)
  for (const pipe of pipes) lb.detach(pipe)
  t.notOk(lb.hasReady)
})
