// Stands in for a Node module the browser build cannot have (net, dgram, fs, mDNS...): importing
// it works, so shared code loads; using it fails with a clear error naming what is missing.
function unavailable(what) {
  const fail = () => {
    const error = new Error(`${what} is not available in the browser build (only ws:// and wss:// connect, and inproc://)`)
    error.code = "EPROTONOSUPPORT"
    throw error
  }
  return new Proxy(function () {}, {
    get: (_target, key) => (key === Symbol.toPrimitive ? () => what : key === "then" ? undefined : unavailableProxy(`${what}.${String(key)}`)),
    apply: fail,
    construct: fail,
  })
}
const cache = new Map()
function unavailableProxy(what) {
  if (!cache.has(what)) cache.set(what, unavailable(what))
  return cache.get(what)
}
export default unavailableProxy("module")
export const handler = unavailableProxy
