// node:net in the browser: isIP for endpoint parsing; the rest is unavailable.
import { handler } from "./unavailable.js"

export function isIP(host) {
  if (/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host)) return 4
  if (host.includes(":") && /^[0-9a-fA-F:.]+$/.test(host)) return 6
  return 0
}
export const connect = handler("node:net connect")
export const createServer = handler("node:net createServer")
export const Socket = handler("node:net Socket")
export const BlockList = handler("node:net BlockList")
export default { isIP, connect, createServer, Socket, BlockList }
