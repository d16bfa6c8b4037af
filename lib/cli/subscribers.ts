// pub --subscribers N: the slow-joiner fix for the command line. A PUB drops what it sends before
// a SUB's subscription arrived, so the command's XPUB reads the subscriptions and the first send
// waits until N have come in. Afterwards they keep being read, so they never fill the queue.
import { failure } from "./cli-error.js"
import type { CliSocket } from "./socket-factories.js"

export async function waitForSubscribers(cli: CliSocket, count: number, timeout: number | undefined): Promise<void> {
  let seen = 0
  let reached: () => void = () => undefined
  const enough = new Promise<void>((resolve) => (reached = resolve))
  void (async () => {
    try {
      for (;;) {
        const [frame] = await cli.receive()
        if (frame !== undefined && frame[0] === 1 && ++seen >= count) reached()
      }
    } catch {
      // EAGAIN (a quiet spell longer than --timeout) or the socket closed: keep what we saw.
    }
  })()
  if (timeout === undefined) return enough
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure(`timed out after ${timeout} ms waiting for ${count} subscriber(s), ${seen} came`, "EAGAIN")), timeout)
  })
  try {
    await Promise.race([enough, late])
  } finally {
    clearTimeout(timer)
  }
}
