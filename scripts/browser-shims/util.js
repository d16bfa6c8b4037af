// node:util in the browser: what the library touches.
export function isDeepStrictEqual(a, b) { return JSON.stringify(a) === JSON.stringify(b) }
export function promisify(fn) { return (...args) => new Promise((resolve, reject) => fn(...args, (e, v) => (e ? reject(e) : resolve(v)))) }
export function inspect(value) { return String(value) }
export const types = { isUint8Array: (v) => v instanceof Uint8Array }
export default { isDeepStrictEqual, promisify, inspect, types, debuglog: () => () => {} }
export function debuglog() { return () => {} }
