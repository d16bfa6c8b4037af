// stream-engines.ts in the browser build (scripts/build-browser.mjs): there are no tcp or ipc
// connections there (net is a stub that fails first), so neither stream engine is bundled.
import type { EngineHost, EngineOptions, HostedEngine } from "../engine/engine-host.js"
import { zmqError } from "../errors.js"
import type { ReadHook } from "../transport/read-hook.js"
import type { ConnectionSettings } from "./connection-owner.js"

export function createStreamEngine(
  _settings: ConnectionSettings, _stream: unknown, _host: EngineHost, _options: EngineOptions, _reads: ReadHook | undefined,
): HostedEngine {
  throw zmqError("EPROTONOSUPPORT", "tcp:// and ipc:// are not available in the browser build")
}
