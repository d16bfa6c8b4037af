// The endpoints one socket owns: its listeners (bind) and dialers (connect), including the
// dialers discovery starts on its own behalf. Parses endpoint strings at the API edge and emits
// the bind events; the socket core only delegates here.
import { zmqError, type ZmqError } from "../errors.js"
import { parseEndpoint } from "../transport/endpoint.js"
import type { ConnectionOwner } from "./connection-owner.js"
import { Dialer } from "./dialer.js"
import { Listener } from "./listener.js"
import type { BindOptions } from "./ws-session.js"
import { checkUdpUse, UdpBinding, UdpConnection } from "./udp-link.js"

/** A bind: a listener (tcp, ipc, inproc) or a bound udp port (Dish). */
type Binding = Listener | UdpBinding
/** A connect: a dialer (tcp, ipc, inproc) or a udp destination (Radio). */
type Connection = Dialer | UdpConnection

export class SocketEndpoints {
  private readonly listeners: Binding[] = []
  private readonly dialers = new Map<string, Connection[]>()
  /** Dialers discovery started, by endpoint: its connect/disconnect never touch the user's. */
  private readonly found = new Map<string, Dialer>()
  private bindBusy = false
  private closed = false

  constructor(private readonly owner: ConnectionOwner) {}

  /** Binds and returns the resolved endpoint (ephemeral port filled in). */
  async bind(address: string, options: BindOptions = {}): Promise<string> {
    this.assertNotBusy()
    const endpoint = parseEndpoint(address, true)
    if (endpoint.transport === "mdns") {
      throw zmqError("ENOCOMPATPROTO", `${endpoint.transport}:// is not available for a ${this.owner.type} socket`, { address })
    }
    if (endpoint.transport === "udp") checkUdpUse(this.owner, endpoint, true)
    this.bindBusy = true
    let listener: Binding
    try {
      listener = endpoint.transport === "udp" ? await UdpBinding.open(this.owner, endpoint) : await Listener.open(this.owner, endpoint, options)
    } catch (error) {
      // libzmq names the failed address without its scheme ("127.0.0.1:5555"), and says nothing
      // for inproc; error.address keeps the whole endpoint.
      const bare = address.slice(address.indexOf("://") + 3)
      if (endpoint.transport !== "inproc") this.owner.emit({ type: "bind:error", address: bare, error: error as ZmqError })
      throw error
    } finally {
      this.bindBusy = false
    }
    if (this.closed) {
      listener.close()
      throw zmqError("EBADF", "Socket closed during bind", { address })
    }
    this.listeners.push(listener)
    if (endpoint.transport !== "inproc") this.owner.emit({ type: "bind", address: listener.endpoint })
    return listener.endpoint
  }

  /** A bind or unbind is in flight: close() waits for it, as zeromq.js does. */
  get busy(): boolean {
    return this.bindBusy
  }

  /**
   * Unbinds by the resolved or the requested address. Asynchronous like bind (zeromq.js runs it
   * off the main thread): it resolves on a later turn of the event loop, and until then the
   * socket is blocked for other binds and unbinds.
   */
  async unbind(address: string): Promise<void> {
    this.assertNotBusy()
    parseEndpoint(address, true)
    this.bindBusy = true
    try {
      await new Promise<void>((resolve) => setImmediate(resolve))
      const index = this.listeners.findIndex((l) => l.endpoint === address || l.requested.address === address)
      if (index === -1) throw zmqError("ENOENT", `Not bound to ${address}`, { address })
      this.listeners.splice(index, 1)[0]!.close()
    } finally {
      this.bindBusy = false
    }
  }

  connect(address: string, routingId: Buffer | undefined): void {
    const endpoint = parseEndpoint(address, false)
    if (endpoint.transport === "mdns") {
      throw zmqError("ENOCOMPATPROTO", `${endpoint.transport}:// is not available for a ${this.owner.type} socket`, { address })
    }
    if (endpoint.transport === "udp") {
      checkUdpUse(this.owner, endpoint, false)
      return this.add(address, new UdpConnection(this.owner, endpoint))
    }
    this.add(address, new Dialer(this.owner, endpoint, routingId))
  }

  disconnect(address: string): void {
    const list = this.dialers.get(address)
    if (!list) parseEndpoint(address, false)
    if (!list) throw zmqError("ENOENT", `Not connected to ${address}`, { address })
    this.dialers.delete(address)
    for (const dialer of list) {
      if (this.found.get(address) === dialer) this.found.delete(address)
      dialer.stop()
    }
  }

  /**
   * Discovery's own door: never throws (a throw from an mDNS callback would crash the process)
   * and only ever stops the dialers it started itself.
   */
  connectFound(address: string): void {
    if (this.closed || this.found.has(address)) return
    const endpoint = parseEndpoint(address, false)
    if (endpoint.transport === "mdns" || endpoint.transport === "udp") return
    const dialer = new Dialer(this.owner, endpoint, undefined)
    this.found.set(address, dialer)
    this.add(address, dialer)
  }

  disconnectFound(address: string): void {
    const dialer = this.found.get(address)
    if (!dialer) return
    this.found.delete(address)
    const rest = (this.dialers.get(address) ?? []).filter((d) => d !== dialer)
    if (rest.length > 0) this.dialers.set(address, rest)
    else this.dialers.delete(address)
    dialer.stop()
  }

  /** Bound, connected, or a bind/unbind in flight. */
  get inUse(): boolean { return this.bindBusy || this.listeners.length > 0 || this.dialers.size > 0 }

  bound(): string[] {
    return this.listeners.map((l) => l.endpoint)
  }

  /** No new connections (lingering close); live ones keep delivering. */
  stopAccepting(): void {
    for (const listener of this.listeners) listener.stopAccepting()
  }

  /** Ends everything; connections end gracefully so what was written still arrives. */
  close(): void {
    this.closed = true
    for (const list of this.dialers.values()) for (const dialer of list) dialer.stop(true)
    this.dialers.clear()
    this.found.clear()
    for (const listener of this.listeners.splice(0)) listener.close(true)
  }

  private assertNotBusy(): void {
    if (this.bindBusy) throw zmqError("EBUSY", "Socket is blocked by a bind or unbind operation")
  }

  private add(address: string, dialer: Connection): void {
    const list = this.dialers.get(address) ?? []
    list.push(dialer)
    this.dialers.set(address, list)
    dialer.start()
  }
}
