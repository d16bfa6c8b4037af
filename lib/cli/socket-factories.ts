// The socket behind each command, with a uniform face: send(frames) and receive() as Buffer[]
// whatever the type (a Dish message prints as [group, body]; a Radio sends to --group or to its
// first frame; a Router takes a 0x<hex> routing id as the octets it shows).
import type { SocketBase } from "../socket/socket-base.js"
import type { SocketOptions } from "../socket/options.js"
import { Dealer } from "../socket/dealer.js"
import { Dish } from "../socket/dish.js"
import { Pair } from "../socket/pair.js"
import { Pull } from "../socket/pull.js"
import { Push } from "../socket/push.js"
import { Radio } from "../socket/radio.js"
import { Reply } from "../socket/reply.js"
import { Request } from "../socket/request.js"
import { Router } from "../socket/router.js"
import { Subscriber } from "../socket/subscriber.js"
import { XPublisher } from "../socket/xpublisher.js"
import { XSubscriber } from "../socket/xsubscriber.js"
import { usage } from "./cli-error.js"

export interface CliSocket {
  readonly socket: SocketBase
  send(frames: Buffer[]): Promise<void>
  receive(): Promise<Buffer[]>
}

export interface Settings {
  readonly options: SocketOptions
  /** Topics (sub, xsub) or groups (dish) to join, from the arguments and --group. */
  readonly topics: readonly string[]
  /** Radio: the group of every message (else the first frame is the group). */
  readonly group?: string | undefined
}

type Receiving = { receive(): Promise<Buffer[]> }
type Sending = { send(message: Buffer[]): Promise<void> }

function plain(socket: SocketBase & Partial<Receiving & Sending>): CliSocket {
  return {
    socket,
    send: (frames) => socket.send ? socket.send(frames) : Promise.reject(usage(`${socket.type} cannot send`)),
    receive: () => socket.receive ? socket.receive() : Promise.reject(usage(`${socket.type} cannot receive`)),
  }
}

export const FACTORIES: Readonly<Record<string, (s: Settings) => CliSocket>> = {
  push: (s) => plain(new Push(s.options)),
  pull: (s) => plain(new Pull(s.options)),
  // An XPUB underneath: --subscribers waits for subscriptions before the first message.
  pub: (s) => plain(new XPublisher(s.options)),
  sub: (s) => {
    const sub = new Subscriber(s.options)
    sub.subscribe(...(s.topics.length ? s.topics : [""]))
    return plain(sub)
  },
  xpub: (s) => plain(new XPublisher(s.options)),
  xsub: (s) => {
    const xsub = new XSubscriber(s.options)
    for (const topic of s.topics) void xsub.send([Buffer.concat([Buffer.from([1]), Buffer.from(topic)])])
    return plain(xsub)
  },
  req: (s) => plain(new Request(s.options)),
  rep: (s) => plain(new Reply(s.options)),
  dealer: (s) => plain(new Dealer(s.options)),
  router: (s) => {
    const router = plain(new Router(s.options))
    return { ...router, send: (frames) => router.send([routingId(frames[0]), ...frames.slice(1)]) }
  },
  pair: (s) => plain(new Pair(s.options)),
  radio: (s) => {
    const radio = new Radio(s.options)
    const send = (frames: Buffer[]): Promise<void> => {
      const [group, body] = s.group !== undefined ? [Buffer.from(s.group), frames] : [frames[0]!, frames.slice(1)]
      if (body.length !== 1) return Promise.reject(usage("radio sends one frame per message: give --group, or lines of \"group<separator>body\""))
      return radio.send(body[0]!, { group })
    }
    return { socket: radio, send, receive: () => Promise.reject(usage("RADIO cannot receive")) }
  },
  dish: (s) => {
    const dish = new Dish(s.options)
    const groups = [...s.topics, ...(s.group === undefined ? [] : [s.group])]
    if (groups.length === 0) throw usage("dish needs at least one group (arguments or --group)")
    dish.join(...groups)
    const receive = async (): Promise<Buffer[]> => {
      const [body, { group }] = await dish.receive()
      return [group, body]
    }
    return { socket: dish, send: () => Promise.reject(usage("DISH cannot send")), receive }
  },
}

/** Output shows binary routing ids as 0x<hex> (frames.ts); typed back, they mean those octets. */
function routingId(frame: Buffer | undefined): Buffer {
  if (frame === undefined) throw usage("router: a message starts with the peer's routing id")
  const text = frame.toString("latin1")
  return /^0x(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text.slice(2), "hex") : frame
}
