// Lossy sends (udp datagrams, Radio and Publisher before a join or subscription has arrived)
// have no event that says "the path is up". The one bounded way: keep sending until the first
// message arrives.

/** Calls `send()` every `everyMs` until `arrived` settles (at most `max` sends); returns it. */
export async function sendUntilArrived<T>(send: () => Promise<void>, arrived: Promise<T>, max = 500, everyMs = 10): Promise<T> {
  let settled = false
  arrived.then(() => { settled = true }, () => { settled = true })
  for (let i = 0; !settled && i < max; i++) {
    await send()
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return arrived
}
