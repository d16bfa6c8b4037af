// Counted prefix subscriptions per owner (RFC 29 prefix matching; libzmq trie/mtrie): a byte trie
// where each node keeps, for every owner (a pipe, or the local socket), how many times that
// owner subscribed to exactly this prefix. Prefixes are binary (any octet, 0x00 and 0xff
// included); the empty prefix matches everything. Pure data: no pipes are written here.

interface TrieNode<K> {
  children: Map<number, TrieNode<K>> | undefined
  /** owner -> count of subscriptions to exactly this node's prefix. */
  owners: Map<K, number> | undefined
}

/** Called for each prefix an owner loses in removeOwner(); `ownersLeft` counts the others. */
export type RemovedVisitor = (prefix: Buffer, count: number, ownersLeft: number) => void

export class PrefixTrie<K> {
  private readonly root: TrieNode<K> = newNode()
  private prefixCount = 0

  /** Distinct prefixes with at least one owner. */
  get size(): number {
    return this.prefixCount
  }

  /** Adds one subscription of `owner` to `prefix`; returns the owner's new count for it. */
  add(prefix: Uint8Array, owner: K): number {
    let node = this.root
    for (const byte of prefix) {
      node.children ??= new Map()
      let next = node.children.get(byte)
      if (!next) node.children.set(byte, (next = newNode()))
      node = next
    }
    node.owners ??= new Map()
    if (node.owners.size === 0) this.prefixCount++
    const count = (node.owners.get(owner) ?? 0) + 1
    node.owners.set(owner, count)
    return count
  }

  /** Removes one subscription; returns the owner's remaining count, or -1 if it had none. */
  remove(prefix: Uint8Array, owner: K): number {
    const path: TrieNode<K>[] = [this.root]
    for (const byte of prefix) {
      const next = path[path.length - 1]!.children?.get(byte)
      if (!next) return -1
      path.push(next)
    }
    const node = path[path.length - 1]!
    const count = node.owners?.get(owner)
    if (count === undefined) return -1
    if (count > 1) {
      node.owners!.set(owner, count - 1)
      return count - 1
    }
    node.owners!.delete(owner)
    if (node.owners!.size === 0) this.prefixCount--
    this.prune(path, prefix)
    return 0
  }

  /** How many times `owner` subscribed to exactly `prefix`. */
  count(prefix: Uint8Array, owner: K): number {
    return this.find(prefix)?.owners?.get(owner) ?? 0
  }

  /** How many distinct owners subscribe to exactly `prefix`. */
  owners(prefix: Uint8Array): number {
    return this.find(prefix)?.owners?.size ?? 0
  }

  /** Adds to `into` every owner with a subscription that is a prefix of `data`. */
  match(data: Uint8Array, into: Set<K>): Set<K> {
    let node: TrieNode<K> | undefined = this.root
    for (let i = 0; node; i++) {
      if (node.owners) for (const owner of node.owners.keys()) into.add(owner)
      if (i === data.length) break
      node = node.children?.get(data[i]!)
    }
    return into
  }

  /** True when some owner's subscription is a prefix of `data`. */
  matches(data: Uint8Array): boolean {
    let node: TrieNode<K> | undefined = this.root
    for (let i = 0; node; i++) {
      if (node.owners && node.owners.size > 0) return true
      if (i === data.length) return false
      node = node.children?.get(data[i]!)
    }
    return false
  }

  /** Removes every subscription of `owner` (a pipe went away), reporting each prefix it had. */
  removeOwner(owner: K, visit?: RemovedVisitor): void {
    this.removeBelow(this.root, [], owner, visit)
  }

  /** Every distinct subscribed prefix, once each (XSUB re-sends these after a reconnect). */
  *prefixes(): IterableIterator<Buffer> {
    for (const [prefix] of this.entries()) yield prefix
  }

  /**
   * Every prefix with its owners and their counts, in byte order ("js" before "luna"), as
   * libzmq's trie walks them: a subscriber re-sends its subscriptions in this order.
   */
  *entries(): IterableIterator<[Buffer, ReadonlyMap<K, number>]> {
    const stack: [TrieNode<K>, number[]][] = [[this.root, []]]
    while (stack.length > 0) {
      const [node, bytes] = stack.pop()!
      if (node.owners && node.owners.size > 0) yield [Buffer.from(bytes), node.owners]
      if (!node.children) continue
      // Pushed highest byte first, so the stack pops them lowest first.
      const children = [...node.children].sort(([a], [b]) => b - a)
      for (const [byte, child] of children) stack.push([child, [...bytes, byte]])
    }
  }

  private find(prefix: Uint8Array): TrieNode<K> | undefined {
    let node: TrieNode<K> | undefined = this.root
    for (let i = 0; node && i < prefix.length; i++) node = node.children?.get(prefix[i]!)
    return node
  }

  /** Drops empty nodes from the end of `path` upwards (the root stays). */
  private prune(path: TrieNode<K>[], prefix: Uint8Array): void {
    for (let depth = path.length - 1; depth > 0; depth--) {
      const node = path[depth]!
      if ((node.owners && node.owners.size > 0) || (node.children && node.children.size > 0)) return
      path[depth - 1]!.children!.delete(prefix[depth - 1]!)
    }
  }

  /** Depth-first removal; returns true when `node` is left empty and may be dropped. */
  private removeBelow(node: TrieNode<K>, bytes: number[], owner: K, visit?: RemovedVisitor): boolean {
    const count = node.owners?.get(owner)
    if (count !== undefined) {
      node.owners!.delete(owner)
      if (node.owners!.size === 0) this.prefixCount--
      visit?.(Buffer.from(bytes), count, node.owners!.size)
    }
    if (node.children) {
      for (const [byte, child] of node.children) {
        bytes.push(byte)
        if (this.removeBelow(child, bytes, owner, visit)) node.children.delete(byte)
        bytes.pop()
      }
    }
    return (node.owners?.size ?? 0) === 0 && (node.children?.size ?? 0) === 0
  }
}

function newNode<K>(): TrieNode<K> {
  return { children: undefined, owners: undefined }
}

/** How an XPUB reports subscription changes (libzmq XPUB_VERBOSE / VERBOSER / MANUAL). */
export interface NoticeRules {
  /** 0: first subscribe and last cancel of a prefix; 1: every subscribe; 2: every cancel too. */
  verbosity: number
  /** Peers' requests are only recorded; the application applies them (applyManual). */
  manual: boolean
}

/**
 * The publisher side of subscriptions (libzmq mtrie as xpub.cpp uses it): per prefix, the set
 * of owners (pipes) subscribed. A peer subscribing the same prefix twice stays subscribed once;
 * counting is the subscriber's business (it cancels upstream only at its last unsubscribe).
 */
export class SubscriptionTable<K> {
  /** What matching uses. */
  readonly active = new PrefixTrie<K>()
  /** Manual mode: what each owner asked for, cancelled on its behalf when it goes. */
  private readonly requested = new PrefixTrie<K>()

  /** A subscribe/cancel from `owner`; true when the application should be told. */
  apply(prefix: Buffer, subscribe: boolean, owner: K, rules: NoticeRules): boolean {
    if (rules.manual) {
      if (subscribe) addOnce(this.requested, prefix, owner)
      else this.requested.remove(prefix, owner)
      return true
    }
    if (subscribe) return addOnce(this.active, prefix, owner) || rules.verbosity >= 1
    // libzmq also reports a cancel it found nothing for (xpub.cpp: rm_result != values_remain).
    return this.active.remove(prefix, owner) === -1 || this.active.owners(prefix) === 0 || rules.verbosity >= 2
  }

  /** Manual mode: the application's decision for `owner`. */
  applyManual(prefix: Buffer, subscribe: boolean, owner: K): void {
    if (subscribe) addOnce(this.active, prefix, owner)
    else this.active.remove(prefix, owner)
  }

  /** The owner went away: drops its subscriptions; returns the prefixes whose cancel to report. */
  removeOwner(owner: K, rules: NoticeRules): Buffer[] {
    const cancelled: Buffer[] = []
    const report: RemovedVisitor = (prefix, _count, left) => {
      if (left === 0 || rules.verbosity >= 2 || rules.manual) cancelled.push(prefix)
    }
    if (rules.manual) this.requested.removeOwner(owner, report)
    this.active.removeOwner(owner, rules.manual ? undefined : report)
    return cancelled
  }
}

/** Adds `owner` to `prefix` at most once; true when it is the prefix's first owner. */
function addOnce<K>(trie: PrefixTrie<K>, prefix: Buffer, owner: K): boolean {
  const first = trie.owners(prefix) === 0
  if (trie.count(prefix, owner) === 0) trie.add(prefix, owner)
  return first
}
