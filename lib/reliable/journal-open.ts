// Opens the on-disk journal of a reliable sender and reports what its recovery found. Corruption
// is reported as events once listeners can exist: after the constructor that opened it returned.
import { zmqError } from "../errors.js"
import type { SocketEvent } from "../events.js"
import { openFileJournal } from "./file-journal.js"
import type { FsyncPolicy, Journal, JournalCorruption } from "./journal.js"

export function openJournal(path: string, fsync: FsyncPolicy, emit: (event: SocketEvent) => void): Journal {
  const reports: JournalCorruption[] = []
  const journal = openFileJournal(path, { fsync, onCorruption: (report) => reports.push(report) })
  if (reports.length > 0) {
    process.nextTick(() => {
      for (const report of reports) {
        const error = zmqError("ERR_JOURNAL_CORRUPT", `${report.path}: ${report.reason} at byte ${report.offset}`)
        emit({ type: "journal:corrupt", error, detail: { ...report } })
      }
    })
  }
  return journal
}
