// ws:// and wss:// for dialers and listeners: which subprotocols to offer or accept (from the
// socket's security), and a WsEngine on each opened WebSocket. The browser build swaps the
// transport underneath (transport/ws-browser.ts); this file is the same on both.
import type { EngineHost, HostedEngine } from "../engine/engine-host.js"
import { WsEngine } from "../engine/ws-engine.js"
import type { ZmqError } from "../errors.js"
import type { SecurityConfig } from "../security/mechanism.js"
import type { Endpoint } from "../transport/endpoint.js"
import type { WsLink } from "../transport/ws-link.js"
import { dialBunWs, runningOnBun } from "../transport/ws-bun.js"
import { dialWs, listenWs, type WsListener } from "../transport/ws-transport.js"
import { chooseProtocol, offeredProtocols, type ZwsMechanism } from "../zmtp/zws.js"
import type { ConnectionOwner } from "./connection-owner.js"

export type WsEndpoint = Extract<Endpoint, { transport: "ws" | "wss" }>

/** What a bind may be told beyond its endpoint. */
export interface BindOptions {
  /** ws/wss: attach to this Node http(s).Server (upgrades on the endpoint's path) instead of listening. */
  server?: import("node:http").Server | undefined
}

export function isWs(endpoint: Endpoint): endpoint is WsEndpoint {
  return endpoint.transport === "ws" || endpoint.transport === "wss"
}

function mechanismOf(security: SecurityConfig): ZwsMechanism {
  return security.mechanism === "INVALID" ? "NULL" : security.mechanism
}

/** Dials; the engine is created once the WebSocket is open. Returns a cancel function. */
export function dialWsEngine(
  owner: ConnectionOwner, endpoint: WsEndpoint, host: EngineHost,
  opened: (engine: HostedEngine) => void, failed: (error: ZmqError) => void,
): () => void {
  const options = owner.settings.engineOptions(endpoint.address)
  const offered = offeredProtocols(mechanismOf(options.security))
  // Bun's stand-in for the `ws` client cannot send RFC 45's subprotocol names (ws-bun.ts).
  const dial = runningOnBun() ? dialBunWs : dialWs
  return dial(endpoint, offered, owner.settings.wsSettings(), (link) => opened(new WsEngine(link, host, options)), failed)
}

export function listenWsEngines(
  owner: ConnectionOwner, endpoint: WsEndpoint, bind: BindOptions,
  accepted: (link: WsLink, remote: string) => void,
): Promise<WsListener> {
  return listenWs(endpoint, {
    ...owner.settings.wsSettings(),
    server: bind.server,
    // Asked per upgrade, so a change of security options applies to the next connection.
    chooseProtocol: (offered) => {
      const security = owner.settings.engineOptions(endpoint.address).security
      return security.mechanism === "INVALID" ? undefined : chooseProtocol(offered, mechanismOf(security))
    },
  }, accepted)
}

export function acceptWsEngine(owner: ConnectionOwner, link: WsLink, remote: string, host: EngineHost): HostedEngine {
  return new WsEngine(link, host, owner.settings.engineOptions(remote))
}
