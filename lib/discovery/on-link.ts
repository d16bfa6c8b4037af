// Which of a peer's addresses lie on a subnet of one of this host's interfaces. A multi-homed
// peer announces the addresses of all its interfaces; the ones on a LAN we share are reachable
// directly, the others only if something routes between the LANs.
import { BlockList, isIP } from "node:net"
import { networkInterfaces } from "node:os"

function localSubnets(): BlockList {
  const subnets = new BlockList()
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.internal || a.cidr === null) continue
      const [network, prefix] = a.cidr.split("/")
      subnets.addSubnet(network!, Number(prefix), a.family === "IPv6" ? "ipv6" : "ipv4")
    }
  }
  return subnets
}

/** Splits addresses (each list in the given order) into those on a subnet of ours and the rest. */
export function byLink(addresses: readonly string[]): { onLink: string[]; offLink: string[] } {
  const subnets = localSubnets()
  const onLink: string[] = []
  const offLink: string[] = []
  for (const address of addresses) {
    const bare = address.split("%")[0]!
    const family = isIP(bare)
    const local = family !== 0 && subnets.check(bare, family === 6 ? "ipv6" : "ipv4")
    ;(local ? onLink : offLink).push(address)
  }
  return { onLink, offLink }
}
