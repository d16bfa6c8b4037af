// The browser bundle's stand-in for journal-open.ts (scripts/build-browser.mjs swaps it in): a
// page has no files, so the on-disk journal and its recovery code stay out of the bundle, and
// the `journal` option fails at once with the browser build's usual error instead of deep in fs.
import { zmqError } from "../errors.js"
import type { Journal } from "./journal.js"

export function openJournal(path: string): Journal {
  throw zmqError("EPROTONOSUPPORT", `journal ${JSON.stringify(path)}: a file journal is not available in the browser build`)
}
