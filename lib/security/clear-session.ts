// The data phase of NULL and PLAIN: frames travel in the clear, as ZMTP framed them (RFC 23
// "Framing"). Stateless, so one instance serves every connection.
import { encodeMessages } from "../zmtp/encoder.js"
import { parseCommand } from "../zmtp/command.js"
import type { MechanismSession, SessionSink } from "./mechanism.js"

class ClearSession implements MechanismSession {
  readonly transparent = true

  encode(commandFrames: Buffer[], messages: readonly (readonly Buffer[])[]): Buffer[] {
    if (messages.length > 0) encodeMessages(messages, commandFrames)
    return commandFrames
  }

  decodeMessage(frames: Buffer[], sink: SessionSink): void {
    sink.onSessionMessage(frames)
  }

  decodeCommand(body: Buffer, sink: SessionSink): void {
    const command = parseCommand(body)
    if (command !== undefined) sink.onSessionCommand(command) // malformed: dropped, as libzmq does
  }
}

export const CLEAR_SESSION: MechanismSession = new ClearSession()
