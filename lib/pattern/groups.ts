// Radio/Dish groups (libzmq's draft RADIO/DISH, ZMTP 3.1 JOIN/LEAVE commands): a group is a
// byte string of at most 255 octets, matched exactly (not by prefix as pub/sub topics are).
import { zmqError } from "../errors.js"
import type { Pipe } from "../pipe/pipe.js"
import { GROUP_MAX_LENGTH } from "../zmtp/constants.js"

export const JOIN = "JOIN"
export const LEAVE = "LEAVE"

/**
 * A group as given by the user, as bytes; EINVAL when it is not one. libzmq (and so zeromq.js)
 * takes groups as C strings, so a group ends at its first 0x00 octet: "fo\0ba" is "fo", here too.
 */
export function toGroup(group: unknown): Buffer {
  if (typeof group !== "string" && !Buffer.isBuffer(group) && !(group instanceof Uint8Array)) {
    throw zmqError("EINVAL", "A group must be a string or a Buffer")
  }
  const whole = typeof group === "string" ? Buffer.from(group) : Buffer.from(group.buffer, group.byteOffset, group.byteLength)
  const end = whole.indexOf(0)
  const bytes = end < 0 ? whole : whole.subarray(0, end)
  if (bytes.length > GROUP_MAX_LENGTH) {
    throw zmqError("EINVAL", `Group is ${bytes.length} octets long; at most ${GROUP_MAX_LENGTH} are allowed`)
  }
  return bytes
}

/** Map key of a group: one string per distinct byte sequence. */
export function groupKey(group: Buffer): string {
  return group.toString("latin1")
}

/** Which pipes joined which groups, on the sending side (RADIO). */
export class GroupMembers {
  private readonly members = new Map<string, Set<Pipe>>()
  private readonly empty = new Set<Pipe>()

  join(pipe: Pipe, group: Buffer): void {
    const key = groupKey(group)
    let pipes = this.members.get(key)
    if (!pipes) this.members.set(key, (pipes = new Set()))
    pipes.add(pipe)
  }

  leave(pipe: Pipe, group: Buffer): void {
    const key = groupKey(group)
    const pipes = this.members.get(key)
    if (!pipes) return
    pipes.delete(pipe)
    if (pipes.size === 0) this.members.delete(key)
  }

  /** The pipe left: it is a member of nothing any more. */
  remove(pipe: Pipe): void {
    for (const [key, pipes] of this.members) {
      pipes.delete(pipe)
      if (pipes.size === 0) this.members.delete(key)
    }
  }

  of(group: Buffer): ReadonlySet<Pipe> {
    return this.members.get(groupKey(group)) ?? this.empty
  }
}
