// The other process of `brokerless bench` (hidden command `bench-peer`): a REP that echoes the
// latency round trips and, on the request "go", a PUSH that sends the throughput run. It ends
// when its parent closes stdin (the parent died or is done), so it never outlives the bench.
import { Push } from "../socket/push.js"
import { Reply } from "../socket/reply.js"

export interface PeerFlags {
  throughput: string
  latency: string
  size: number
  count: number
}

export async function runBenchPeer(flags: PeerFlags): Promise<void> {
  const rep = new Reply({ linger: 0 })
  const push = new Push({ linger: -1 })
  const orphaned = new Promise<void>((resolve) => {
    process.stdin.on("end", resolve).on("close", resolve).on("error", resolve).resume()
  })
  rep.connect(flags.latency)
  push.connect(flags.throughput)
  const work = (async () => {
    for (;;) {
      const [request] = await rep.receive()
      await rep.send(request!)
      if (String(request) === "go") break
    }
    const payload = Buffer.alloc(flags.size, 0x61)
    for (let i = 0; i < flags.count; i++) await push.send(payload)
  })()
  try {
    await Promise.race([work, orphaned])
  } finally {
    rep.close()
    // Lingers until the burst has left: only then may the process exit.
    await new Promise<void>((resolve) => {
      push.events.watch("end", () => resolve())
      push.close()
    })
  }
}
