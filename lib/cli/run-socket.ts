// Runs one socket command: checks the arguments against the type, opens the socket, runs its
// role until done, interrupted (SIGINT/SIGTERM: a normal end) or failed, and always closes.
import { usage } from "./cli-error.js"
import { runRole } from "./flows.js"
import { whenStdoutGone } from "./output.js"
import { openSocket } from "./setup.js"
import type { SocketFlags } from "./socket-options.js"
import { SOCKET_TYPES } from "./socket-types.js"

/** Types whose arguments are topics or groups rather than messages. */
const TOPIC_TYPES = new Set(["sub", "xsub", "dish"])
const ANSWERING = new Set(["rep", "router", "dealer", "pair"])

export async function runSocketCommand(type: string, args: string[], flags: SocketFlags): Promise<void> {
  const spec = SOCKET_TYPES[type]!
  if ((flags.echo || flags.reply !== undefined) && !ANSWERING.has(type)) throw usage(`${type}: --echo and --reply are for rep, router, dealer and pair`)
  if (flags.echo && flags.reply !== undefined) throw usage("give --echo or --reply, not both")
  if (flags.subscribers !== undefined && type !== "pub") throw usage("--subscribers is for pub")
  if (flags.group !== undefined && type !== "radio" && type !== "dish") throw usage("--group is for radio and dish")
  const topics = TOPIC_TYPES.has(type) ? args : []
  const messages = TOPIC_TYPES.has(type) ? [] : args
  const opened = await openSocket(type, flags, topics)
  let interrupt: () => void = () => undefined
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve))
  process.once("SIGINT", interrupt)
  process.once("SIGTERM", interrupt)
  whenStdoutGone(interrupt)
  try {
    const running = runRole(spec.role, { cli: opened.cli, flags, args: messages })
    running.catch(() => undefined) // after an interrupt, the close cancels it: expected
    await Promise.race([running, interrupted])
  } catch (error) {
    // After a timeout nothing queued is worth waiting for; after bad input, what was sent goes.
    if ((error as { code?: unknown }).code === "EAGAIN") (opened.cli.socket as unknown as { linger: number }).linger = 0
    throw error
  } finally {
    await opened.close()
  }
}
