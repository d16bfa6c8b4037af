// node:buffer in the browser: the `buffer` package and the one constant the decoder reads.
import { Buffer } from "buffer"
export { Buffer }
export const constants = { MAX_LENGTH: 2 ** 31 - 1 }
export default { Buffer, constants }
