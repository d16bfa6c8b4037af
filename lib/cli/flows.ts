// What each role does with its socket once it is open (socket-types.ts names the roles): the
// send, receive, request and reply loops, and duplex, which runs a sender and a receiver at
// once. Every wait is bounded by the socket's send/receive timeouts (--timeout): EAGAIN.
import { setTimeout as sleep } from "node:timers/promises"
import { usage } from "./cli-error.js"
import { formatMessage, parseLine, type LineOptions } from "./frames.js"
import { fromStdin, messages } from "./input.js"
import { writeLine } from "./output.js"
import type { SocketFlags } from "./socket-options.js"
import type { CliSocket } from "./socket-factories.js"
import type { Role } from "./socket-types.js"
import { waitForSubscribers } from "./subscribers.js"

export interface FlowContext {
  readonly cli: CliSocket
  readonly flags: SocketFlags
  /** Positional arguments that are messages (empty: read stdin). */
  readonly args: readonly string[]
}

const lineOptions = (flags: SocketFlags): LineOptions => ({ format: flags.format, separator: flags.separator })

export async function runRole(role: Role, ctx: FlowContext): Promise<void> {
  switch (role) {
    case "send": return sendAll(ctx)
    case "receive": return receiveAll(ctx)
    case "request": return requestAll(ctx)
    case "reply": return replyAll(ctx)
    case "duplex": return duplex(ctx)
  }
}

async function sendAll({ cli, flags, args }: FlowContext): Promise<void> {
  if (flags.subscribers !== undefined) await waitForSubscribers(cli, flags.subscribers, flags.timeout)
  let first = true
  for await (const frames of messages(args, flags.count, lineOptions(flags))) {
    if (!first && flags.delay) await sleep(flags.delay)
    first = false
    await cli.send(frames)
  }
}

async function receiveAll({ cli, flags }: FlowContext): Promise<void> {
  const opts = lineOptions(flags)
  for (let n = 0; flags.count === undefined || n < flags.count; n++) {
    await writeLine(formatMessage(await cli.receive(), opts))
  }
}

async function requestAll({ cli, flags, args }: FlowContext): Promise<void> {
  const opts = lineOptions(flags)
  let first = true
  for await (const frames of messages(args, flags.count, opts)) {
    if (!first && flags.delay) await sleep(flags.delay)
    first = false
    await cli.send(frames)
    await writeLine(formatMessage(await cli.receive(), opts))
  }
}

/** Rep: prints each request, answers it with itself, --reply, or the next stdin line. */
async function replyAll({ cli, flags }: FlowContext): Promise<void> {
  const opts = lineOptions(flags)
  const answers = flags.echo || flags.reply !== undefined ? undefined : fromStdin(undefined, opts)[Symbol.asyncIterator]()
  for (let n = 0; flags.count === undefined || n < flags.count; n++) {
    const request = await cli.receive()
    await writeLine(formatMessage(request, opts))
    await cli.send(await answer(request, flags, answers))
  }
}

async function answer(request: Buffer[], flags: SocketFlags, answers: AsyncIterator<Buffer[]> | undefined): Promise<Buffer[]> {
  if (flags.echo) return request
  if (flags.reply !== undefined) return parseLine(flags.reply, lineOptions(flags))
  const next = await answers!.next()
  if (next.done) throw usage("rep: stdin ended before every request had its answer")
  return next.value
}

/**
 * Dealer, router, pair, xpub, xsub: prints what arrives (until --count) while sending the
 * input. With --echo / --reply it only answers; a router's answer keeps the routing id.
 */
async function duplex(ctx: FlowContext): Promise<void> {
  const { cli, flags, args } = ctx
  const opts = lineOptions(flags)
  if (flags.echo || flags.reply !== undefined) {
    const router = cli.socket.type === "ROUTER"
    for (let n = 0; flags.count === undefined || n < flags.count; n++) {
      const message = await cli.receive()
      await writeLine(formatMessage(message, opts))
      if (flags.echo) await cli.send(message)
      else await cli.send([...(router ? [message[0]!] : []), ...parseLine(flags.reply!, opts)])
    }
    return
  }
  // Without --count: once the input has ended, stop when as many messages came back as went out.
  let sent = 0
  let received = 0
  let inputDone = false
  let stop: (() => void) | undefined
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  // Nothing sent (xsub, xpub, a listening dealer): keep printing, as sub does.
  const check = () => { if (flags.count === undefined && inputDone && sent > 0 && received >= sent) stop!() }
  const sending = (async () => {
    let first = true
    for await (const frames of messages(args, undefined, opts)) {
      if (!first && flags.delay) await sleep(flags.delay)
      first = false
      await cli.send(frames)
      sent++
    }
    inputDone = true
    check()
  })()
  const receiving = (async () => {
    for (; flags.count === undefined || received < flags.count; ) {
      await writeLine(formatMessage(await cli.receive(), opts))
      received++
      check()
    }
    stop!()
  })()
  // The loser is cancelled by the close that follows: its rejection is expected, not news.
  sending.catch(() => undefined)
  receiving.catch(() => undefined)
  await Promise.race([stopped, sending.then(() => stopped), receiving])
}
