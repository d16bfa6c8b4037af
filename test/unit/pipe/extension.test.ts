// combineExtensions: how reliable delivery's two roles ride one socket (Dealer).
import t from "tap"
import { combineExtensions, type SocketExtension } from "../../../lib/pipe/extension.js"
import type { Pipe } from "../../../lib/pipe/pipe.js"

const pipe = {} as Pipe

function recorder(name: string, log: string[], refuse = false): SocketExtension {
  return {
    properties: [[`X-${name}`, name]],
    attached: () => void log.push(`${name}.attached`),
    connected: () => (log.push(`${name}.connected`), !refuse),
    disconnected: () => void log.push(`${name}.disconnected`),
    detached: () => void log.push(`${name}.detached`),
    writable: () => void log.push(`${name}.writable`),
    command: (_p, command) => void log.push(`${name}.${command}`),
    closing: () => void log.push(`${name}.closing`),
  }
}

t.test("none or one part: no wrapper", async (t) => {
  t.equal(combineExtensions(undefined, undefined), undefined)
  const one = recorder("a", [])
  t.equal(combineExtensions(undefined, one), one)
})

t.test("two parts: properties joined, hooks in order", async (t) => {
  const log: string[] = []
  const both = combineExtensions(recorder("a", log), recorder("b", log))!
  t.same(both.properties, [["X-a", "a"], ["X-b", "b"]])
  both.attached!(pipe)
  t.equal(both.connected!(pipe), true)
  both.command!(pipe, "XACK", Buffer.alloc(0))
  both.writable!(pipe)
  both.disconnected!(pipe)
  both.detached!(pipe)
  both.closing!()
  t.same(log, [
    "a.attached", "b.attached", "a.connected", "b.connected", "a.XACK", "b.XACK", "a.writable", "b.writable",
    "a.disconnected", "b.disconnected", "a.detached", "b.detached", "a.closing", "b.closing",
  ])
})

t.test("a part that refuses the connection refuses it for all, and stops there", async (t) => {
  const log: string[] = []
  const both = combineExtensions(recorder("a", log, true), recorder("b", log))!
  t.equal(both.connected!(pipe), false)
  t.same(log, ["a.connected"])
})
