// The socket types the command line offers and what each does with its arguments and with
// stdin: plain data, so that --help, keygen and usage errors load no socket code (a process
// start is the main cost of a command). The sockets themselves are in socket-factories.ts.

/**
 * send: sends its input (args or stdin lines). receive: prints what arrives. request: sends
 * each input and prints the reply. reply: answers each request (--echo, --reply, or stdin).
 * duplex: both at once (or answers, with --echo / --reply).
 */
export type Role = "send" | "receive" | "request" | "reply" | "duplex"

export interface TypeInfo {
  readonly role: Role
  readonly summary: string
  /** What the positional arguments are, for --help. */
  readonly args: string
}

const MESSAGES = "[message...]  messages to send (default: stdin, one line each)"

export const SOCKET_TYPES: Readonly<Record<string, TypeInfo>> = {
  push: { role: "send", summary: "send each message to one PULL peer (round robin)", args: MESSAGES },
  pull: { role: "receive", summary: "print messages from PUSH peers", args: "" },
  pub: { role: "send", summary: "publish messages to SUB peers (a topic is a message prefix)", args: MESSAGES },
  sub: { role: "receive", summary: "print the messages of PUB peers that start with a topic", args: "[topic...]  prefixes to subscribe to (default: everything)" },
  xpub: { role: "duplex", summary: "publish stdin lines and print the subscriptions that arrive", args: MESSAGES },
  xsub: { role: "duplex", summary: "subscribe to topics, print messages, send stdin lines upstream", args: "[topic...]  prefixes to subscribe to" },
  req: { role: "request", summary: "send each message to a REP/ROUTER and print the reply", args: MESSAGES },
  rep: { role: "reply", summary: "answer requests: --echo, --reply TEXT, or one stdin line each", args: "" },
  dealer: { role: "duplex", summary: "send messages round robin, print what arrives (or --echo)", args: MESSAGES },
  router: { role: "duplex", summary: "print [routing id, frames...]; send lines whose first frame is a routing id (or --echo)", args: MESSAGES },
  pair: { role: "duplex", summary: "talk to exactly one PAIR peer both ways (or --echo)", args: MESSAGES },
  radio: { role: "send", summary: "send messages to the DISH peers that joined --group (draft)", args: MESSAGES },
  dish: { role: "receive", summary: "print [group, body] of the messages of the groups joined (draft)", args: "[group...]  groups to join (also --group)" },
}
