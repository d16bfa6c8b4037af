// The draft sockets SERVER, CLIENT, SCATTER and GATHER carry single-part messages only (libzmq
// refuses ZMQ_SNDMORE on them with EINVAL and drops multipart messages that arrive).
import { zmqError } from "../errors.js"
import type { Message } from "../pipe/pipe.js"

/** Throws EINVAL unless the message (after the envelope frames) is one frame. */
export function assertSinglePart(message: Message, envelope = 0): void {
  if (message.length !== envelope + 1) throw zmqError("EINVAL", "This socket type sends single-part messages only")
}
