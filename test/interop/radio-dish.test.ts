// Interop with libzmq's draft RADIO/DISH (the `zeromq` package's "zeromq/draft.js"), both
// directions, over tcp (either side binding), ipc and udp unicast: groups as raw octets,
// exact matching, leave(), and a libzmq Dish filtering a brokerless Radio's udp datagrams.
// libzmq warns once that draft sockets are experimental; that line on stderr is expected.
import t from "tap"
import * as draft from "zeromq/draft.js"
import { Dish } from "../../lib/socket/dish.js"
import { Radio } from "../../lib/socket/radio.js"
import { uniqAddress } from "../helpers/address.js"
import { within } from "../helpers/events.js"
import type { TestCase } from "../helpers/tap.js"
import { sendUntilArrived } from "../helpers/probe.js"

type Received = [Buffer, { group: Buffer }]
interface AnyRadio { send(body: Buffer | string, options: { group: Buffer | string }): Promise<void> }
interface AnyDish { receive(): Promise<Received> }

const recv = (dish: AnyDish, what: string) => within(dish.receive() as Promise<Received>, 5000, what)
const text = ([body, { group }]: Received) => `${group.toString("hex")}:${body}`

/**
 * Radios are lossy and a libzmq peer shows no join state: probe `group` until the Dish
 * receives a probe (bounded), then one marker, read up to, so no probe is left in flight.
 */
async function awaitDelivery(radio: AnyRadio, dish: AnyDish, group: Buffer): Promise<void> {
  await sendUntilArrived(() => radio.send("probe", { group }), recv(dish, "first probe"), 1000, 5)
  await radio.send("sync", { group })
  while (String((await recv(dish, "sync marker"))[0]) !== "sync");
}

// libzmq takes groups as C strings, so a 0x00 octet cannot cross; non-ASCII octets can.
const G1 = Buffer.from([0xc3, 0xa9, 0xff, 0x41])
const G2 = Buffer.from("weather")

async function exchange(t: TestCase, radio: AnyRadio, dish: AnyDish & { leave(...g: Buffer[]): void }): Promise<void> {
  await awaitDelivery(radio, dish, G1)
  await radio.send("prefix only", { group: Buffer.from("weath") })
  await radio.send("one", { group: G1 })
  await radio.send("two", { group: G2 })
  t.equal(text(await recv(dish, "one")), `${G1.toString("hex")}:one`)
  t.equal(text(await recv(dish, "two")), `${G2.toString("hex")}:two`)
  dish.leave(G1)
  // After the leave, only G2 messages may arrive: probe with G1 first, then a G2 marker.
  await radio.send("after leave", { group: G1 })
  await radio.send("still joined", { group: G2 })
  t.equal(text(await recv(dish, "after leave")), `${G2.toString("hex")}:still joined`)
}

type Side = "brokerless Radio -> libzmq Dish" | "libzmq Radio -> brokerless Dish"
const SIDES: Side[] = ["brokerless Radio -> libzmq Dish", "libzmq Radio -> brokerless Dish"]

function pair(t: TestCase, side: Side): { radio: AnyRadio & { bind(a: string): Promise<void>; connect(a: string): void; lastEndpoint: string | null }; dish: AnyDish & { join(...g: Buffer[]): void; leave(...g: Buffer[]): void; bind(a: string): Promise<void>; connect(a: string): void; lastEndpoint: string | null } } {
  const radio = side.startsWith("brokerless") ? new Radio({ linger: 0 }) : new draft.Radio({ linger: 0 })
  const dish = side.startsWith("brokerless") ? new draft.Dish({ linger: 0 }) : new Dish({ linger: 0 })
  t.teardown(() => { radio.close(); dish.close() })
  return { radio: radio as never, dish: dish as never }
}

for (const side of SIDES) {
  for (const transport of ["tcp", "ipc"] as const) {
    for (const radioBinds of [true, false]) {
      t.test(`${side}, ${transport}, ${radioBinds ? "Radio" : "Dish"} binds`, async (t) => {
        const { radio, dish } = pair(t, side)
        dish.join(G1, G2)
        const address = transport === "tcp" ? "tcp://127.0.0.1:*" : uniqAddress("ipc")
        if (radioBinds) {
          await radio.bind(address)
          dish.connect(radio.lastEndpoint!)
        } else {
          await dish.bind(address)
          radio.connect(dish.lastEndpoint!)
        }
        await exchange(t, radio, dish)
      })
    }
  }

  t.test(`${side}, udp unicast`, async (t) => {
    const { radio, dish } = pair(t, side)
    // libzmq needs a concrete port for a udp bind: take one from a brokerless Dish first.
    const probe = new Dish({ linger: 0 })
    await probe.bind("udp://127.0.0.1:0")
    const address = probe.lastEndpoint!
    await probe.unbind(address)
    probe.close()
    await dish.bind(address)
    dish.join(G1, G2)
    radio.connect(address)
    await exchange(t, radio, dish)
  })
}
