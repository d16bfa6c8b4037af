// Real Pipes over a scripted engine, for strategy and pipe unit tests without sockets or bytes
// (mangos NewMockPipe). The engine records what the pipe asked of it; takeAll() plays the
// engine's flush and deliver() its reads. Every callback the pipe makes to its owner is logged.
import { Pipe, type Message, type PeerInfo, type PipeEngine, type PipeOwner } from "../../lib/pipe/pipe.js"

export class FakeEngine implements PipeEngine {
  flushRequests = 0
  resumes = 0
  closed = false
  readonly commands: Array<[string, Buffer]> = []
  requestFlush(): void { this.flushRequests++ }
  flush(): void {}
  resumeReading(): void { this.resumes++ }
  sendCommand(name: string, data: Buffer): boolean { this.commands.push([name, data]); return true }
  close(): void { this.closed = true }
}

export class RecordingOwner implements PipeOwner {
  readonly calls: string[] = []
  onPipeReadable(pipe: Pipe): void { this.calls.push(`readable ${pipe.endpoint}`) }
  onPipeWritable(pipe: Pipe): void { this.calls.push(`writable ${pipe.endpoint}`) }
  onPipeDrained(pipe: Pipe): void { this.calls.push(`drained ${pipe.endpoint}`) }
  onPipeCommand(pipe: Pipe, name: string): void { this.calls.push(`command ${pipe.endpoint} ${name}`) }
}

export interface FakePipe extends Pipe {
  readonly fake: FakeEngine
}

const PEER: PeerInfo = { socketType: "PEER", identity: undefined, metadata: new Map(), minor: 1, address: "fake" }

/** A connected pipe named `name` (its endpoint) with the given high-water marks (0: none). */
export function fakePipe(name: string, sendHwm = 0, receiveHwm = 0, owner: PipeOwner = new RecordingOwner()): FakePipe {
  const pipe = new Pipe(owner, sendHwm, receiveHwm, name) as FakePipe
  const engine = new FakeEngine()
  Object.defineProperty(pipe, "fake", { value: engine })
  pipe.attach(engine, PEER)
  return pipe
}

/** The engine side takes up to `count` queued messages (all when omitted). */
export function takeAll(pipe: Pipe, count = Infinity): Message[] {
  const taken: Message[] = []
  for (let message = pipe.takeOutbound(); message !== undefined; message = pipe.takeOutbound()) {
    taken.push(message)
    if (taken.length >= count) break
  }
  return taken
}

/** One-frame message whose text is `text`. */
export function msg(text: string): Message {
  return [Buffer.from(text)]
}

/** The frames' text, for compact assertions. */
export function text(message: Message | undefined): string | undefined {
  return message?.map(String).join("|")
}
