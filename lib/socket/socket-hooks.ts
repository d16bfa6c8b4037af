// The contract a socket type implements (libzmq socket_base_t's x* virtuals): SocketBase calls
// these and nothing else of the type; the type routes messages between its strategies and pipes
// and never touches bytes, endpoints or the socket's life cycle.
import type { Message, Pipe } from "../pipe/pipe.js"
import type { PropertyList } from "../zmtp/metadata.js"

export abstract class SocketHooks {
  /** Queue the message now if the pattern can; false parks the send. May throw EFSM etc. */
  protected abstract xsend(message: Message): boolean
  /** Next message for the application, if any. */
  protected abstract xreceive(): Message | undefined
  /** A new pipe; false refuses it. */
  protected abstract xattach(pipe: Pipe): boolean
  protected abstract xdetach(pipe: Pipe): void
  protected get xhasIn(): boolean { return false }
  protected get xhasOut(): boolean { return false }
  protected xconnected(_pipe: Pipe): boolean { return true }
  protected xdisconnected(_pipe: Pipe): void {}
  protected xreadable(_pipe: Pipe): void {}
  protected xwritable(_pipe: Pipe): void {}
  protected xcommand(_pipe: Pipe, _name: string, _data: Buffer): void {}
  /** The pipe the message xreceive() returned last came from (option receiveMetadata). */
  protected get xreceivedFrom(): Pipe | undefined { return undefined }
  /** Frames before the payload that the codec leaves alone (Router: the routing id). */
  protected get envelopeSize(): number { return 0 }
  /** Extra READY properties (X- extensions). */
  protected readyProperties(): PropertyList { return [] }
}
