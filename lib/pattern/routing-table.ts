// Routing id <-> pipe for ROUTER and REP (RFC 28 ROUTER; libzmq router_t::identify_peer). A pipe
// gets its id once: preset (connect option), the peer's Identity, or a generated one; the id
// then survives reconnects of that pipe. Pure data: it never closes pipes, callers do.
import { randomInt } from "node:crypto"
import type { Pipe } from "../pipe/pipe.js"

export type Identified =
  | { ok: true; displaced?: Pipe | undefined }
  | { ok: false }

export class RoutingTable {
  private readonly byId = new Map<string, Pipe>()
  private nextId: number

  /** @param seed first generated counter value (libzmq starts it at random). */
  constructor(seed: number = randomInt(0, 2 ** 32)) {
    this.nextId = seed >>> 0
  }

  get size(): number {
    return this.byId.size
  }

  lookup(id: Buffer): Pipe | undefined {
    return this.byId.get(key(id))
  }

  has(id: Buffer): boolean {
    return this.byId.has(key(id))
  }

  /** Registers `id` for `pipe` (a connect-side preset id); false when another pipe has it. */
  add(pipe: Pipe, id: Buffer): boolean {
    const owner = this.byId.get(key(id))
    if (owner !== undefined && owner !== pipe) return false
    this.assign(pipe, id)
    return true
  }

  /**
   * Gives a newly connected pipe its id. A pipe that already has one keeps it (the peer is
   * assumed to reconnect with the same Identity, as libzmq assumes). A taken Identity is
   * refused, unless `handover`: the new pipe takes the id and the old one, returned as
   * `displaced` for the caller to close, gets a generated id meanwhile.
   */
  identify(pipe: Pipe, handover: boolean): Identified {
    if (pipe.routingId !== undefined) return { ok: this.add(pipe, pipe.routingId) }
    const identity = pipe.peer?.identity
    if (identity === undefined || identity.length === 0) {
      this.assign(pipe, this.generate())
      return { ok: true }
    }
    const owner = this.byId.get(key(identity))
    if (owner === undefined) {
      this.assign(pipe, identity)
      return { ok: true }
    }
    if (!handover) return { ok: false }
    this.assign(owner, this.generate())
    this.assign(pipe, identity)
    return { ok: true, displaced: owner }
  }

  /** Forgets the pipe's entry; `pipe.routingId` stays so already received messages keep it. */
  remove(pipe: Pipe): void {
    if (pipe.routingId === undefined) return
    const k = key(pipe.routingId)
    if (this.byId.get(k) === pipe) this.byId.delete(k)
  }

  /** 0x00 + u32 big-endian counter: peers' Identities cannot start with 0x00, so no clash. */
  generate(): Buffer {
    const id = Buffer.allocUnsafe(5)
    id[0] = 0
    id.writeUInt32BE(this.nextId, 1)
    this.nextId = (this.nextId + 1) >>> 0
    return id
  }

  private assign(pipe: Pipe, id: Buffer): void {
    this.remove(pipe)
    pipe.routingId = id
    this.byId.set(key(id), pipe)
  }
}

// latin1 maps each octet to one char, so distinct ids give distinct keys.
function key(id: Buffer): string {
  return id.toString("latin1")
}
