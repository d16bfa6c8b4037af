// Public entry point: only what users import. Internal modules are imported by path in tests.
export { ZmqError } from "./errors.js"
export type { ErrorCode, ProtocolErrorCode } from "./errors.js"
