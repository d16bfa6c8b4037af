// PrefixTrie (counted prefix subscriptions per owner) and SubscriptionTable (the XPUB side,
// libzmq mtrie rules) as pure data structures.
import t from "tap"
import { PrefixTrie, SubscriptionTable } from "../../lib/pattern/prefix-trie.js"

const b = (s: string | number[]) => (typeof s === "string" ? Buffer.from(s) : Buffer.from(s))
const matchOf = <K>(trie: PrefixTrie<K>, data: Buffer) => [...trie.match(data, new Set<K>())].sort()

t.test("the empty prefix matches everything, including an empty message", async (t) => {
  const trie = new PrefixTrie<string>()
  trie.add(b(""), "p1")
  t.ok(trie.matches(b("")))
  t.ok(trie.matches(b("anything")))
  t.same(matchOf(trie, b("x")), ["p1"])
})

t.test("prefix matching: a subscription matches data it is a prefix of, nothing else", async (t) => {
  const trie = new PrefixTrie<string>()
  trie.add(b("AB"), "p1")
  t.ok(trie.matches(b("AB")))
  t.ok(trie.matches(b("ABC")))
  t.notOk(trie.matches(b("A")))
  t.notOk(trie.matches(b("AC")))
  t.notOk(trie.matches(b("")))
})

t.test("subscriptions are counted: A twice needs two removes", async (t) => {
  const trie = new PrefixTrie<string>()
  t.equal(trie.add(b("A"), "p1"), 1)
  t.equal(trie.add(b("A"), "p1"), 2)
  t.equal(trie.count(b("A"), "p1"), 2)
  t.equal(trie.remove(b("A"), "p1"), 1)
  t.ok(trie.matches(b("A1")), "still subscribed after one remove")
  t.equal(trie.remove(b("A"), "p1"), 0)
  t.notOk(trie.matches(b("A1")), "gone after the second")
  t.equal(trie.remove(b("A"), "p1"), -1, "removing what is not there reports -1")
  t.equal(trie.size, 0)
})

t.test("binary-safe prefixes: 0x00 and 0xff octets", async (t) => {
  const trie = new PrefixTrie<string>()
  trie.add(b([0x00, 0xff, 0x00]), "p1")
  trie.add(b([0xff]), "p2")
  t.same(matchOf(trie, b([0x00, 0xff, 0x00, 0x01])), ["p1"])
  t.same(matchOf(trie, b([0x00, 0xff])), [])
  t.same(matchOf(trie, b([0xff, 0x00])), ["p2"])
  t.same([...trie.prefixes()].map((p) => p.toString("hex")).sort(), ["00ff00", "ff"])
})

t.test("per-owner matching: each matching owner once, even when several prefixes match", async (t) => {
  const trie = new PrefixTrie<string>()
  trie.add(b("A"), "p1")
  trie.add(b("AB"), "p1")
  trie.add(b("AB"), "p2")
  trie.add(b("B"), "p3")
  t.same(matchOf(trie, b("ABC")), ["p1", "p2"])
  t.same(matchOf(trie, b("A")), ["p1"])
  t.same(matchOf(trie, b("B")), ["p3"])
  t.equal(trie.owners(b("AB")), 2)
})

t.test("removing an owner removes all its subscriptions and reports each", async (t) => {
  const trie = new PrefixTrie<string>()
  trie.add(b("A"), "p1")
  trie.add(b("A"), "p1")
  trie.add(b("AB"), "p1")
  trie.add(b("AB"), "p2")
  trie.add(b(""), "p1")
  const seen: string[] = []
  trie.removeOwner("p1", (prefix, count, left) => seen.push(`${prefix}:${count}:${left}`))
  t.same(seen.sort(), [":1:0", "A:2:0", "AB:1:1"])
  t.same(matchOf(trie, b("ABC")), ["p2"])
  t.notOk(trie.matches(b("A")))
  t.equal(trie.size, 1)
  trie.removeOwner("p2")
  t.equal(trie.size, 0)
  t.same([...trie.entries()], [])
})

t.test("removal prunes empty branches without touching siblings", async (t) => {
  const trie = new PrefixTrie<string>()
  trie.add(b("ABC"), "p1")
  trie.add(b("ABD"), "p1")
  trie.remove(b("ABC"), "p1")
  t.ok(trie.matches(b("ABD")))
  t.notOk(trie.matches(b("ABC")))
  t.equal(trie.remove(b("AB"), "p1"), -1, "an inner node with no owner is not a subscription")
})

t.test("SubscriptionTable: verbosity 0 reports the first subscribe and the last cancel of a prefix", async (t) => {
  const table = new SubscriptionTable<string>()
  const rules = { verbosity: 0, manual: false }
  t.ok(table.apply(b("A"), true, "p1", rules), "first")
  t.notOk(table.apply(b("A"), true, "p1", rules), "duplicate from the same pipe")
  t.notOk(table.apply(b("A"), true, "p2", rules), "duplicate from another pipe")
  t.notOk(table.apply(b("A"), false, "p1", rules), "p2 still subscribed")
  t.ok(table.apply(b("A"), false, "p2", rules), "last cancel")
  t.notOk(table.active.matches(b("A")))
})

t.test("SubscriptionTable: a peer is in a prefix's set once (one cancel ends it, as libzmq)", async (t) => {
  const table = new SubscriptionTable<string>()
  const rules = { verbosity: 0, manual: false }
  table.apply(b("A"), true, "p1", rules)
  table.apply(b("A"), true, "p1", rules)
  table.apply(b("A"), false, "p1", rules)
  t.notOk(table.active.matches(b("A")))
})

t.test("SubscriptionTable: verbosity 1 reports every subscribe, 2 every cancel too", async (t) => {
  const verbose = new SubscriptionTable<string>()
  const v1 = { verbosity: 1, manual: false }
  t.ok(verbose.apply(b("A"), true, "p1", v1))
  t.ok(verbose.apply(b("A"), true, "p2", v1))
  t.notOk(verbose.apply(b("A"), false, "p1", v1))
  const verboser = new SubscriptionTable<string>()
  const v2 = { verbosity: 2, manual: false }
  verboser.apply(b("A"), true, "p1", v2)
  verboser.apply(b("A"), true, "p2", v2)
  t.ok(verboser.apply(b("A"), false, "p1", v2))
})

t.test("SubscriptionTable: removing a pipe reports prefixes nobody else wants", async (t) => {
  const table = new SubscriptionTable<string>()
  const rules = { verbosity: 0, manual: false }
  table.apply(b("A"), true, "p1", rules)
  table.apply(b("B"), true, "p1", rules)
  table.apply(b("B"), true, "p2", rules)
  t.same(table.removeOwner("p1", rules).map(String), ["A"])
})

t.test("SubscriptionTable: manual mode records requests; only applyManual changes matching", async (t) => {
  const table = new SubscriptionTable<string>()
  const rules = { verbosity: 0, manual: true }
  t.ok(table.apply(b("A"), true, "p1", rules))
  t.notOk(table.active.matches(b("A")))
  table.applyManual(b("X"), true, "p1")
  t.ok(table.active.matches(b("X1")))
  t.same(table.removeOwner("p1", rules).map(String), ["A"], "cancels what the pipe asked for")
  t.notOk(table.active.matches(b("X1")))
})
