// The browser bundle's stand-in for zmqjs-compat.ts (scripts/build-browser.mjs swaps it in to
// stay inside the gzip budget): table options only, no Context, no numeric option calls.
import type { SocketType } from "../zmtp/compat.js"
import { hasOption, setOption, type OptionName, type OptionValues } from "./options.js"

export interface CompatSocket { readonly type: SocketType; readonly closed: boolean; readonly endpointsInUse: boolean }

export function applyConstructorOptions(socket: CompatSocket, values: OptionValues, options: object): void {
  for (const [name, value] of Object.entries(options)) {
    if (!hasOption(socket.type, name)) throw new TypeError(`Unknown option ${name} for a ${socket.type} socket`)
    setOption(values, name, value)
  }
}

export function releaseContext(_socket: object): void {}

export function installZmqjsCompat(_prototype: object, _tableOptions: readonly OptionName[]): void {}
