// Which engine a tcp/ipc connection gets: ZMTP (StreamEngine) for every socket but STREAM, whose
// peers send raw bytes (RawStreamEngine). Listeners and dialers ask here and stay engine-agnostic.
import type { Socket as NetSocket } from "node:net"
import type { EngineHost, EngineOptions, HostedEngine } from "../engine/engine-host.js"
import { RawStreamEngine } from "../engine/raw-stream-engine.js"
import { StreamEngine } from "../engine/stream-engine.js"
import type { ReadHook } from "../transport/read-hook.js"
import type { ConnectionSettings } from "./connection-owner.js"

export function createStreamEngine(
  settings: ConnectionSettings, stream: NetSocket, host: EngineHost, options: EngineOptions, reads: ReadHook | undefined,
): HostedEngine {
  return settings.rawStreams ? new RawStreamEngine(stream, host, options, reads) : new StreamEngine(stream, host, options, reads)
}
