// PUB (RFC 29; libzmq pub.cpp is xpub_t minus receiving): fans each message out to the
// subscribers whose subscriptions prefix-match its first frame, drops it for a subscriber at
// its high-water mark (unless noDrop), never blocks. Subscriptions are never shown to the user.
import type { MessageInput } from "../message.js"
import { PublisherCore, type PublisherOptions } from "./xpublisher.js"

export type { PublisherOptions } from "./xpublisher.js"

export interface Publisher<SendValue = MessageInput> extends Required<PublisherOptions> {}

export class Publisher<SendValue = MessageInput> extends PublisherCore {
  constructor(options: PublisherOptions = {}) {
    super("PUB", options)
  }

  /**
   * Sends to every subscriber whose subscription matches; resolves at once (dropped for full
   * subscribers) unless noDrop, which waits for room.
   *
   *     await pub.send(["weather.paris", "21C"])
   */
  send(message: SendValue): Promise<void> {
    return this.sendMessage(message)
  }
}
