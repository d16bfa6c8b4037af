// The whole 5.x API as one object: the default export of "brokerless/v5-compat", for code that
// wrote `import zmq from "zeromq/v5-compat"` (a CommonJS module's default import) or reads
// `zmq.ZMQ_SNDMORE` off a namespace passed around.
import { curveKeypair, version } from "./about.js"
import * as constants from "./constants.js"
import { Context } from "./context.js"
import { options } from "./options.js"
import { proxy } from "./proxy.js"
import { createSocket, Socket } from "./socket.js"

export const namespace = {
  ...constants,
  options,
  Socket,
  socket: createSocket,
  createSocket,
  proxy,
  Context,
  version,
  curveKeypair,
}
