import t from "tap"
import { MemoryJournal } from "../../lib/reliable/journal.js"
import { journalContract } from "./journal.contract.js"

journalContract(t, "MemoryJournal", (t) => {
  const journal = new MemoryJournal()
  t.teardown(() => journal.close())
  return journal
})

t.test("MemoryJournal recovers nothing and reports no file bytes", async (t) => {
  const journal = new MemoryJournal()
  journal.append(1n, [Buffer.from("a")])
  t.same(journal.recovered(), [])
  t.equal(journal.stats.fileBytes, 0)
  await journal.close()
})
