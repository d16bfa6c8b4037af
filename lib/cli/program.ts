// The `brokerless` command tree, built with commander: one subcommand per socket type (shared
// options from socket-options.ts), plus keygen, monitor, discover and bench. Commander is used
// for what it does well (parsing, per-command --help, usage errors); exit codes are ours (main.ts).
import { Command } from "commander"
import { addBenchCommands } from "./bench-command.js"
import { addDiscoverCommand } from "./discover.js"
import { addKeygenCommand } from "./keygen.js"
import { addMonitorCommand } from "./monitor.js"
import { addSocketOptions, type SocketFlags } from "./socket-options.js"
import { SOCKET_TYPES } from "./socket-types.js"

const EXAMPLES = `
Examples:
  brokerless pull -b 'tcp://*:5555'                      print what PUSH peers send
  seq 3 | brokerless push -c tcp://127.0.0.1:5555         send three messages
  brokerless sub -c tcp://host:5556 weather.             print messages starting with "weather."
  brokerless rep -b 'tcp://*:5557' --echo                an echo server
  brokerless req -c tcp://127.0.0.1:5557 ping            prints the reply
  brokerless keygen                                      a CURVE key pair

Exit status: 0 ok, 1 failure (timeout, refused peer, bad input), 2 usage error.`

export function buildProgram(version: string): Command {
  const program = new Command("brokerless")
    .description("ZeroMQ sockets from the command line: send, receive, discover, monitor, bench")
    .version(version, "-V, --version")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", EXAMPLES)
  for (const [type, spec] of Object.entries(SOCKET_TYPES)) {
    const cmd = program.command(type).description(`${type.toUpperCase()} socket: ${spec.summary}`)
    const [args, argsHelp] = splitArgs(spec.args)
    if (args !== "") cmd.argument(args, argsHelp)
    addSocketOptions(cmd).action(async (...params: unknown[]) => {
      const positional = args === "" ? [] : (params[0] as string[])
      const flags = params[args === "" ? 0 : 1] as SocketFlags
      // Loaded on use: --help, keygen and usage errors start faster without the sockets.
      const { runSocketCommand } = await import("./run-socket.js")
      await runSocketCommand(type, positional, flags)
    })
  }
  addKeygenCommand(program)
  addMonitorCommand(program)
  addDiscoverCommand(program)
  addBenchCommands(program)
  return program
}

/** "[message...]  what they are" -> ["[message...]", "what they are"]. */
function splitArgs(text: string): [string, string] {
  const at = text.indexOf("  ")
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 2).trim()]
}
