// inproc:// : sockets in one process, joined pipe to pipe with no encoding (like libzmq, whose
// inproc skips the codec). Buffers pass by reference. The registry maps names to bound sockets;
// a connect() before the bind waits for it. The session floor (dialer, listener, ZAP client)
// decides when to link; this file only links and moves messages.
import { zmqError } from "../errors.js"
import type { LocalIdentity } from "../zmtp/ready.js"
import type { Message, PeerInfo, Pipe, PipeCommand, PipeEngine } from "../pipe/pipe.js"
import { FlushRequest } from "../util/flush-scheduler.js"
import { subscriptionMessage } from "../zmtp/command.js"
import { COMMAND } from "../zmtp/constants.js"

export interface InprocAcceptor {
  readonly local: LocalIdentity
  /** Receives SUBSCRIBE/CANCEL as 0x01/0x00 messages (PUB/XPUB). */
  readonly receivesSubscriptions: boolean
  /** Creates the bound side's pipe for a new connection (undefined refuses it). */
  acceptInproc(peer: PeerInfo, address: string): Pipe | undefined
  /** The connection is linked: both pipes have their engines and peers. */
  inprocLinked(pipe: Pipe): void
  /** The bound side's pipe of a connection ended. */
  inprocClosed(pipe: Pipe): void
}

const bound = new Map<string, InprocAcceptor>()
const waiting = new Map<string, Set<() => void>>()

export function bindInproc(name: string, acceptor: InprocAcceptor): void {
  if (bound.has(name)) throw zmqError("EADDRINUSE", `inproc://${name} is already bound`, { address: `inproc://${name}` })
  bound.set(name, acceptor)
  const waiters = waiting.get(name)
  waiting.delete(name)
  for (const wake of waiters ?? []) wake()
}

export function unbindInproc(name: string, acceptor: InprocAcceptor): void {
  if (bound.get(name) === acceptor) bound.delete(name)
}

export function lookupInproc(name: string): InprocAcceptor | undefined {
  return bound.get(name)
}

/** Calls `wake` once `name` is bound; returns a function that cancels the wait. */
export function awaitInprocBind(name: string, wake: () => void): () => void {
  let set = waiting.get(name)
  if (!set) waiting.set(name, (set = new Set()))
  set.add(wake)
  return () => set.delete(wake)
}

/** PeerInfo that one side of an inproc connection presents to the other. */
export function inprocPeerInfo(local: LocalIdentity, address: string): PeerInfo {
  const metadata = new Map<string, Buffer>()
  for (const [name, value] of local.properties ?? []) metadata.set(name.toLowerCase(), Buffer.from(value))
  return { socketType: local.socketType, identity: local.routingId, metadata, minor: 1, address }
}

/** One end of an inproc connection: flushing moves messages into the other end's pipe. */
export class InprocEngine implements PipeEngine {
  peer!: InprocEngine
  private readonly flushRequest = new FlushRequest(this)
  private closed = false

  constructor(
    readonly pipe: Pipe,
    private readonly receivesSubscriptions: boolean,
    private readonly onClosed: (engine: InprocEngine) => void,
  ) {}

  requestFlush(): void {
    if (!this.closed) this.flushRequest.request()
  }

  flush(): void {
    if (this.closed) return
    this.pipe.lastActivity = this.peer.pipe.lastActivity = Date.now() // socket.stats(), per flush
    for (let command = this.pipe.commands.shift(); command; command = this.pipe.commands.shift()) this.peer.onCommand(command)
    while (!this.closed && !this.peer.inboundFull()) {
      const message = this.pipe.takeOutbound()
      if (message === undefined) break
      this.peer.deliverInbound(message)
    }
    if (!this.closed && this.pipe.outbound.length === 0) this.pipe.owner.onPipeDrained(this.pipe)
  }

  /** Our inbound queue drained to its low-water mark: let the other side push again. */
  resumeReading(): void {
    this.full = false
    this.peer.requestFlush()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.peer.close()
    this.pipe.detach(this)
    this.onClosed(this)
  }

  /** Our pipe's inbound queue reached its high-water mark; cleared by resumeReading(). */
  private full = false

  private inboundFull(): boolean {
    return this.full
  }

  /** A command from the other side: subscriptions become messages (PUB/XPUB), the rest go to the owner. */
  private onCommand(command: PipeCommand): void {
    if (command.name === COMMAND.SUBSCRIBE || command.name === COMMAND.CANCEL) {
      if (this.receivesSubscriptions) this.deliverInbound([subscriptionMessage(command.data, command.name === COMMAND.SUBSCRIBE)])
      return
    }
    this.pipe.owner.onPipeCommand(this.pipe, command.name, command.data)
  }

  private deliverInbound(message: Message): void {
    this.full = !this.pipe.deliver(message)
  }
}

/**
 * Joins two pipes; each side's `peer` is the other side as that pipe sees it. Each side's
 * `onClosed` runs once when the connection ends from either side.
 */
export function linkPipes(
  a: { pipe: Pipe; peer: PeerInfo; receivesSubscriptions: boolean; onClosed: (engine: InprocEngine) => void },
  b: { pipe: Pipe; peer: PeerInfo; receivesSubscriptions: boolean; onClosed: (engine: InprocEngine) => void },
): void {
  const engineA = new InprocEngine(a.pipe, a.receivesSubscriptions, a.onClosed)
  const engineB = new InprocEngine(b.pipe, b.receivesSubscriptions, b.onClosed)
  engineA.peer = engineB
  engineB.peer = engineA
  a.pipe.attach(engineA, a.peer)
  b.pipe.attach(engineB, b.peer)
}

/** What the dialing side brings to linkToAcceptor(). */
export interface InprocDialer {
  pipe: Pipe
  local: LocalIdentity
  address: string
  receivesSubscriptions: boolean
  /** Runs once when the link ends from either side. */
  onClosed: () => void
}

/**
 * Links a dialing pipe to the socket bound at a name: the acceptor creates its own pipe, both
 * are joined, and the acceptor is told. False when the acceptor refused the connection.
 */
export function linkToAcceptor(acceptor: InprocAcceptor, dialer: InprocDialer): boolean {
  const ourInfo = inprocPeerInfo(dialer.local, dialer.address)
  const theirPipe = acceptor.acceptInproc(ourInfo, dialer.address)
  if (!theirPipe) return false
  linkPipes(
    {
      pipe: dialer.pipe, peer: inprocPeerInfo(acceptor.local, dialer.address),
      receivesSubscriptions: dialer.receivesSubscriptions, onClosed: dialer.onClosed,
    },
    {
      pipe: theirPipe, peer: ourInfo, receivesSubscriptions: acceptor.receivesSubscriptions,
      onClosed: () => acceptor.inprocClosed(theirPipe),
    },
  )
  acceptor.inprocLinked(theirPipe)
  return true
}
