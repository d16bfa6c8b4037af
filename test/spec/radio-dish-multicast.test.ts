// Radio/Dish over udp:// multicast, inside a private network namespace (test/helpers/netns.ts):
// several Dishes, brokerless and libzmq, bound to one group and port each get the messages of
// the groups they joined, from a brokerless or a libzmq Radio; Subscribers on a group get a
// Publisher's messages by prefix.
import t from "tap"
import * as draft from "zeromq/draft.js"
import { Dish } from "../../lib/socket/dish.js"
import { Publisher } from "../../lib/socket/publisher.js"
import { Radio } from "../../lib/socket/radio.js"
import { Subscriber } from "../../lib/socket/subscriber.js"
import { within } from "../helpers/events.js"
import { runsInNetns } from "../helpers/netns.js"
import { sendUntilArrived } from "../helpers/probe.js"

type Received = [Buffer, { group: Buffer }]
interface AnyDish { receive(): Promise<Received>; join(...groups: string[]): void; bind(a: string): Promise<void>; close(): void }
interface AnyRadio { send(body: string, options: { group: string }): Promise<void>; connect(a: string): void; close(): void }

const text = ([body, { group }]: Received) => `${group}:${body}`
const recv = (dish: AnyDish, what: string) => within(dish.receive(), 5000, what)

/** Sends `body` to `group` until `dish` receives a message of that group (udp: no join state). */
async function probeUntilHeard(radio: AnyRadio, dish: AnyDish, group: string): Promise<void> {
  await sendUntilArrived(() => radio.send("probe", { group }), recv(dish, `first ${group} datagram`))
}

if (runsInNetns(t)) {
  const port = 20000 + (process.pid % 20000)
  const address = `udp://239.192.1.1:${port}`

  for (const radioKind of ["brokerless", "libzmq"] as const) {
    t.test(`a ${radioKind} Radio reaches brokerless and libzmq Dishes on one multicast group`, async (t) => {
      const radio: AnyRadio = radioKind === "brokerless" ? new Radio({ linger: 0 }) : new draft.Radio({ linger: 0 }) as never
      const dishes: AnyDish[] = [new Dish({ linger: 0 }), new Dish({ linger: 0 }), new draft.Dish({ linger: 0 }) as never]
      t.teardown(() => { radio.close(); for (const dish of dishes) dish.close() })
      for (const dish of dishes) await dish.bind(address)
      dishes[0]!.join("a")
      dishes[1]!.join("b")
      dishes[2]!.join("a", "b")
      radio.connect(address)
      await probeUntilHeard(radio, dishes[0]!, "a")
      await probeUntilHeard(radio, dishes[1]!, "b")
      // From here the path is up: every dish reads up to a marker of each of its groups.
      await radio.send("end-a", { group: "a" })
      await radio.send("end-b", { group: "b" })
      const readUpTo = async (dish: AnyDish, markers: string[]) => {
        const seen: string[] = []
        while (!markers.every((m) => seen.includes(m))) {
          const message = text(await recv(dish, markers.join(", ")))
          if (!message.endsWith(":probe")) seen.push(message)
        }
        return seen
      }
      t.same(await readUpTo(dishes[0]!, ["a:end-a"]), ["a:end-a"], "the 'a' Dish")
      t.same(await readUpTo(dishes[1]!, ["b:end-b"]), ["b:end-b"], "the 'b' Dish, none of 'a'")
      t.same((await readUpTo(dishes[2]!, ["a:end-a", "b:end-b"])).sort(), ["a:end-a", "b:end-b"], "the libzmq Dish, both")
    })
  }

  t.test("a Publisher reaches two Subscribers bound to one multicast group, each by its prefixes", async (t) => {
    const group = `udp://239.192.1.2:${port + 1}`
    const pub = new Publisher({ linger: 0 })
    const subs = [new Subscriber({ linger: 0 }), new Subscriber({ linger: 0 })]
    t.teardown(() => { pub.close(); for (const sub of subs) sub.close() })
    for (const sub of subs) await sub.bind(group)
    subs[0]!.subscribe("weather.")
    subs[1]!.subscribe("")
    pub.connect(group)
    // Datagrams before the membership is active may be lost: send until the first arrives.
    await sendUntilArrived(() => pub.send(["weather.probe", "?"]), within(subs[0]!.receive(), 5000, "first datagram"))
    await pub.send(["sport", "goal"])
    await pub.send(["weather.end", "x"])
    const readUntil = async (sub: Subscriber, last: string) => {
      const topics: string[] = []
      while (topics.at(-1) !== last) topics.push(String((await within(sub.receive(), 5000, last))[0]))
      return topics.filter((topic) => topic !== "weather.probe")
    }
    t.same(await readUntil(subs[0]!, "weather.end"), ["weather.end"], "the weather subscriber skips sport")
    t.same(await readUntil(subs[1]!, "weather.end"), ["sport", "weather.end"], "the catch-all subscriber gets both")
  })
}
