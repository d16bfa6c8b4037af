// The option interfaces users see (PushOptions, RouterOptions, ...) against the option table:
// each socket type's interface names exactly the options the table gives that type (`only:`),
// so a documented option is never refused at run time and an accepted one is never undocumented.
// The type-level half fails the type check (npm test counts it); the run-time half checks the
// table's lists are what the constructors enforce.
import t from "tap"
import { hasOption, OPTION_TABLE, type OptionName } from "../../../lib/socket/options.js"
import { SOCKET_TYPES, type SocketType } from "../../../lib/zmtp/compat.js"
import type { ZmqjsOptions } from "../../../lib/socket/zmqjs-compat.js"
import type {
  DealerOptions, PublisherOptions, PullOptions, PushOptions, ReplyOptions, RequestOptions, RouterOptions,
  SocketOptions, StreamOptions, SubscriberOptions, XPublisherOptions,
} from "../../../lib/index.js"
import type { GatherOptions, ScatterOptions } from "../../../lib/draft.js"
import { Pair, Pull } from "../../../lib/index.js"

type Table = typeof OPTION_TABLE
/** The options the table gives socket type T. */
type TableOptionsOf<T extends SocketType> = {
  [N in OptionName]: Table[N] extends { only: readonly (infer U)[] } ? (T extends U ? N : never) : N
}[OptionName]
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
// zeromq.js's extra options (context, libzmq knobs kept to be read back) are on every type.
type Check<T extends SocketType, I> = Same<keyof I, TableOptionsOf<T> | keyof ZmqjsOptions>

// Each line fails the type check when the interface and the table disagree.
const agree: Record<string, true> = {
  PUSH: true satisfies Check<"PUSH", PushOptions>,
  PULL: true satisfies Check<"PULL", PullOptions>,
  PUB: true satisfies Check<"PUB", PublisherOptions>,
  XPUB: true satisfies Check<"XPUB", XPublisherOptions>,
  SUB: true satisfies Check<"SUB", SubscriberOptions>,
  XSUB: true satisfies Check<"XSUB", SocketOptions>,
  REQ: true satisfies Check<"REQ", RequestOptions>,
  REP: true satisfies Check<"REP", ReplyOptions>,
  DEALER: true satisfies Check<"DEALER", DealerOptions>,
  ROUTER: true satisfies Check<"ROUTER", RouterOptions>,
  PAIR: true satisfies Check<"PAIR", SocketOptions>,
  SCATTER: true satisfies Check<"SCATTER", ScatterOptions>,
  GATHER: true satisfies Check<"GATHER", GatherOptions>,
  CLIENT: true satisfies Check<"CLIENT", SocketOptions>,
  SERVER: true satisfies Check<"SERVER", SocketOptions>,
  RADIO: true satisfies Check<"RADIO", SocketOptions>,
  DISH: true satisfies Check<"DISH", SocketOptions>,
  STREAM: true satisfies Check<"STREAM", StreamOptions>,
}

t.test("every socket type has its line above", async (t) => {
  t.same(Object.keys(agree).sort(), SOCKET_TYPES.filter((type) => type !== "DGRAM").sort(), "DGRAM takes SocketOptions through Datagram")
})

t.test("an option outside the table's list for a type is refused at run time", async (t) => {
  for (const type of SOCKET_TYPES) {
    for (const name of Object.keys(OPTION_TABLE) as OptionName[]) {
      const only = (OPTION_TABLE[name] as { only?: readonly SocketType[] }).only
      t.equal(hasOption(type, name), only === undefined || only.includes(type), `${type} ${name}`)
    }
  }
  t.throws(() => new Pull({ reliable: true } as never), TypeError, "Pull has no reliable")
  t.throws(() => new Pair({ conflate: true } as never), TypeError, "Pair has no conflate")
})
