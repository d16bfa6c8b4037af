// RADIO (libzmq draft socket, zeromq.js draft `Radio`): sends each message to the peers whose
// Dish joined its group (exact match), dropping it for a peer at its high-water mark, never
// blocking. On the wire a message is two frames, the group (MORE) and the body; peers join and
// leave with JOIN/LEAVE commands.
import type { MessageInput } from "../message.js"
import { toFrames } from "../message.js"
import { zmqError } from "../errors.js"
import { Distributor } from "../pattern/distributor.js"
import { GroupMembers, JOIN, LEAVE, toGroup } from "../pattern/groups.js"
import type { Message, Pipe } from "../pipe/pipe.js"
import { checkDatagram, isUdpPipe } from "../engine/dgram-engine.js"
import { GROUP_MAX_LENGTH } from "../zmtp/constants.js"
import type { SocketOptions } from "./options.js"
import { SocketBase } from "./socket-base.js"

export interface RadioSendOptions {
  /** The group the message is for: at most 255 octets. */
  group: Buffer | string
}

export interface Radio<SendValue = MessageInput> extends Required<SocketOptions> {}

export class Radio<SendValue = MessageInput> extends SocketBase {
  private readonly dist = new Distributor(this.counters)
  private readonly members = new GroupMembers()
  /** udp:// destinations: they get every message (Dishes there filter for themselves). */
  private readonly udpPipes = new Set<Pipe>()

  constructor(options: SocketOptions = {}) {
    super("RADIO", options)
  }

  /**
   * Sends a single-part message to the Dishes that joined `group`; resolves at once (the
   * message is dropped for a Dish whose queue is full, or when none joined).
   *
   *     await radio.send("21C", { group: "weather" })
   */
  send(message: SendValue, options: RadioSendOptions): Promise<void> {
    try {
      const group = toGroup(options?.group)
      if (this.options.codec !== null) return this.sendMessage([group, message])
      const frames = toFrames(message as MessageInput)
      if (frames.length !== 1) throw zmqError("EINVAL", "Radio messages have exactly one part")
      return this.sendMessage([group, frames[0]!])
    } catch (error) {
      return Promise.reject(error)
    }
  }

  protected override get envelopeSize(): number { return 1 }
  protected override get xhasOut(): boolean { return true }
  protected xreceive(): Message | undefined { return undefined }

  protected xsend(message: Message): boolean {
    const joined = this.members.of(message[0]!)
    if (this.udpPipes.size === 0) {
      this.dist.send(message, joined)
      return true
    }
    checkDatagram(message)
    this.dist.send(message, [...joined, ...this.udpPipes])
    return true
  }

  protected xattach(pipe: Pipe): boolean {
    this.dist.attach(pipe)
    if (isUdpPipe(pipe)) this.udpPipes.add(pipe)
    return true
  }

  protected xdetach(pipe: Pipe): void {
    this.dist.detach(pipe)
    this.udpPipes.delete(pipe)
    this.members.remove(pipe)
  }

  protected override xcommand(pipe: Pipe, name: string, data: Buffer): void {
    if (data.length > GROUP_MAX_LENGTH) return // not a group: ignored, as libzmq does with malformed commands
    if (name === JOIN) this.members.join(pipe, data)
    else if (name === LEAVE) this.members.leave(pipe, data)
  }
}
