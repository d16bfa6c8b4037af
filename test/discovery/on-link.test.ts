// byLink sorts a peer's announced addresses by whether they lie on a subnet of this host's
// interfaces, read from os.networkInterfaces() (the real ones of the machine running the test).
import t from "tap"
import { networkInterfaces } from "node:os"
import { byLink } from "../../lib/discovery/on-link.js"

const ours = Object.values(networkInterfaces()).flat().filter((a) => a !== undefined && !a.internal && a.family === "IPv4")

t.test("addresses on our subnets come first, the others after, order kept", async (t) => {
  // TEST-NET-3 and a documentation IPv6 prefix are on no interface of any machine.
  const foreign = ["203.0.113.77", "2001:db8::77", "not an address"]
  if (ours.length === 0) {
    t.same(byLink(foreign), { onLink: [], offLink: foreign })
    return
  }
  const local = ours[0]!.address
  const r = byLink([...foreign, local])
  t.same(r.onLink, [local], `${local} is on ${ours[0]!.cidr}`)
  t.same(r.offLink, foreign)
})
