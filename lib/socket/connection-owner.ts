// The seam between connection management (dialers, listeners) and the socket that owns them.
// Dialers and listeners create engines and pipes; the socket decides what a pipe means.
import type { EngineOptions } from "../engine/engine-host.js"
import type { LocalIdentity } from "../engine/handshake.js"
import type { SocketEvent } from "../events.js"
import type { Pipe } from "../pipe/pipe.js"
import type { SocketType } from "../zmtp/compat.js"

export interface ConnectionOwner {
  readonly type: SocketType
  readonly localIdentity: LocalIdentity
  /** PUB/XPUB: SUBSCRIBE/CANCEL from peers become 0x01/0x00 messages. */
  readonly receivesSubscriptions: boolean
  /** Connect-side pipes exist only while connected (option `immediate`). */
  readonly pipesOnlyWhenConnected: boolean
  /** Reconnect back-off (options reconnectInterval, reconnectMaxInterval). */
  reconnectPolicy(): { interval: number; maxInterval: number }
  engineOptions(address: string): EngineOptions
  createPipe(endpoint: string): Pipe
  /** A new pipe (possibly not connected yet); false refuses it (e.g. a second PAIR peer). */
  attachPipe(pipe: Pipe): boolean
  /** The pipe got a live, handshaken connection; false refuses it (e.g. duplicate routing id). */
  pipeConnected(pipe: Pipe): boolean
  /** The pipe's connection ended; the pipe itself stays (connect side) or is detached next. */
  pipeDisconnected(pipe: Pipe): void
  /** The pipe is gone for good. */
  detachPipe(pipe: Pipe): void
  emit(event: SocketEvent): void
}
