// DISH (libzmq draft socket, zeromq.js draft `Dish`): join()/leave() groups, fair-queued
// receive of the messages of joined groups. Joined groups go to every Radio as JOIN commands,
// again after each (re)connect; messages of other groups (in flight after a leave(), or from
// a Radio that does not filter) are dropped here, as libzmq's DISH does.
import { zmqError } from "../errors.js"
import { FairQueue } from "../pattern/fair-queue.js"
import { groupKey, JOIN, LEAVE, toGroup } from "../pattern/groups.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

/** What receive() gives: the body, and the group it was sent to. */
export type DishMessage<Value = Buffer> = [Value, { group: Buffer }]

export interface Dish<Value = Buffer> extends Required<SocketOptions> {}

export class Dish<Value = Buffer> extends SocketBase implements AsyncIterable<DishMessage<Value>> {
  private readonly fq = new FairQueue()
  private readonly joined = new Map<string, Buffer>()

  constructor(options: SocketOptions = {}) {
    super("DISH", options)
  }

  /** Joins groups (EINVAL for one already joined, or longer than 255 octets). */
  join(...groups: Array<Buffer | string>): void {
    this.assertOpen()
    for (const group of groups.map(toGroup)) {
      const key = groupKey(group)
      if (this.joined.has(key)) throw zmqError("EINVAL", `Already joined group ${JSON.stringify(key)}`)
      this.joined.set(key, Buffer.from(group))
      this.tellRadios(JOIN, group)
    }
  }

  /** Leaves groups (EINVAL for one not joined). */
  leave(...groups: Array<Buffer | string>): void {
    this.assertOpen()
    for (const group of groups.map(toGroup)) {
      const key = groupKey(group)
      if (!this.joined.delete(key)) throw zmqError("EINVAL", `Not a member of group ${JSON.stringify(key)}`)
      this.tellRadios(LEAVE, group)
    }
  }

  /**
   * The next message of a joined group, as [body, { group }].
   *
   *     const [body, { group }] = await dish.receive()
   */
  async receive(): Promise<DishMessage<Value>> {
    const [group, body] = (await this.receiveMessage()) as [Buffer, Value]
    return [body, { group }]
  }

  [Symbol.asyncIterator](): AsyncIterator<DishMessage<Value>> {
    return this.messages(() => this.receive()) as AsyncGenerator<DishMessage<Value>>
  }

  protected override get envelopeSize(): number { return 1 }
  protected override get xhasIn(): boolean { return this.fq.hasReady }
  protected xsend(): boolean { return false }
  protected xattach(pipe: Pipe): boolean { this.fq.attach(pipe); return true }
  protected xdetach(pipe: Pipe): void { this.fq.detach(pipe) }
  protected override xreadable(pipe: Pipe): void { this.fq.activated(pipe) }

  protected override xconnected(pipe: Pipe): boolean {
    for (const group of this.joined.values()) pipe.writeCommand(JOIN, group)
    return true
  }

  protected override get xreceivedFrom(): Pipe | undefined { return this.fq.lastPipe }
  protected xreceive(): Message | undefined {
    for (let message = this.fq.receive(); message; message = this.fq.receive()) {
      // [group, body] of a joined group; anything else (a malformed peer) is dropped.
      if (message.length === 2 && this.joined.has(groupKey(message[0]!))) return message
    }
    return undefined
  }

  private tellRadios(name: string, group: Buffer): void {
    for (const pipe of this.pipes) if (pipe.connected) pipe.writeCommand(name, group)
  }
}
