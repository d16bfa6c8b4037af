// StreamWriter and the encoder's pack slabs, over a scripted stream (no kernel): a batch's slab
// comes back for the next batch when the write left at once, and a slab whose write Node queued
// comes back once the stream has nothing queued (at the next flush or at 'drain'), not before.
import { EventEmitter } from "node:events"
import type { Socket as NetSocket } from "node:net"
import t from "tap"
import { StreamWriter } from "../../../lib/engine/stream-writer.js"
import { CLEAR_SESSION } from "../../../lib/security/clear-session.js"
import { fakePipe, msg } from "../../helpers/fake-pipe.js"

/** A stream that records the buffers written to it; `queued` plays Node's writableLength. */
class ScriptedStream extends EventEmitter {
  queued = 0
  readonly written: Buffer[] = []
  get writableLength(): number { return this.queued }
  write(buffer: Buffer): boolean { this.written.push(buffer); return true }
  cork(): void {}
  uncork(): void {}
}

function writer(): { stream: ScriptedStream; send(text: string): ArrayBufferLike } {
  const stream = new ScriptedStream()
  const pipe = fakePipe("tcp://scripted")
  const output = new StreamWriter(stream as unknown as NetSocket)
  output.start(pipe, CLEAR_SESSION, 1)
  return {
    stream,
    /** Sends one small message and returns the memory it was packed into. */
    send(text: string) {
      pipe.write(msg(text))
      output.flush()
      return stream.written[stream.written.length - 1]!.buffer
    },
  }
}

t.test("a write that left at once gives its slab back to the next batch", async (t) => {
  const { send } = writer()
  const first = send("a")
  t.equal(send("b"), first, "the same slab, packed again")
})

t.test("a queued write keeps its slab until nothing is queued, then gives it back", async (t) => {
  const { stream, send } = writer()
  stream.queued = 100 // Node holds the next write
  const held = send("held")
  const other = send("while held")
  t.not(other, held, "a slab still in Node's queue is not packed into")
  stream.queued = 0
  stream.emit("drain")
  stream.queued = 100 // hold the next two writes, so each batch needs a slab of its own
  const reused = [send("after drain"), send("and again")]
  t.ok(reused.includes(held) && reused.includes(other), "both slabs back once the stream drained")
})
