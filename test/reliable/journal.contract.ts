// The behaviour every Journal must share (journal.ts contract), run by memory-journal.test.ts and
// file-journal.test.ts with their own factory (MQTT.js test/node/abstract_store.ts pattern).
// Persistence across reopen is file-specific and lives in file-journal.test.ts.

import type { Test } from "tap"
import type { Journal } from "../../lib/reliable/journal.js"

/** Builds a fresh, empty journal for one test; the factory registers its own cleanup on `t`. */
export type JournalFactory = (t: Test) => Journal | Promise<Journal>

const msg = (text: string): Buffer[] => [Buffer.from(text), Buffer.from(`${text}-body`)]

export function journalContract(t: Test, name: string, open: JournalFactory): void {
  t.test(`${name}: a fresh journal is empty and has a 16-byte sender id`, async (t) => {
    const journal = await open(t)
    t.equal(journal.senderId.length, 16)
    t.equal(journal.size, 0)
    t.equal(journal.nextSeq, 0n)
    t.same(journal.recovered(), [])
    t.equal(journal.stats.records, 0)
    t.equal(journal.stats.appends, 0)
  })

  t.test(`${name}: two journals get different sender ids`, async (t) => {
    const a = await open(t)
    const b = await open(t)
    t.notOk(a.senderId.equals(b.senderId))
  })

  t.test(`${name}: append counts records and advances nextSeq past gaps`, async (t) => {
    const journal = await open(t)
    journal.append(0n, msg("a"))
    journal.append(1n, msg("b"))
    journal.append(10n, msg("c"))
    t.equal(journal.size, 3)
    t.equal(journal.nextSeq, 11n)
    t.equal(journal.stats.appends, 3)
    t.equal(journal.stats.liveBytes, 3 + 3 * "x-body".length)
  })

  t.test(`${name}: append rejects a seq below nextSeq or outside u64 with EINVAL`, async (t) => {
    const journal = await open(t)
    journal.append(5n, msg("a"))
    t.throws(() => journal.append(5n, msg("b")), { code: "EINVAL" })
    t.throws(() => journal.append(4n, msg("b")), { code: "EINVAL" })
    t.throws(() => journal.append(-1n, msg("b")), { code: "EINVAL" })
    t.throws(() => journal.append(1n << 64n, msg("b")), { code: "EINVAL" })
    await t.rejects(journal.appendDurable(3n, msg("b")), { code: "EINVAL" })
    t.equal(journal.size, 1)
    t.equal(journal.nextSeq, 6n)
    journal.append((1n << 64n) - 1n, msg("max"))
    t.equal(journal.size, 2)
  })

  t.test(`${name}: acks may arrive out of order; duplicates and unknown seqs are ignored`, async (t) => {
    const journal = await open(t)
    for (let seq = 1n; seq <= 5n; seq++) journal.append(seq, msg(`m${seq}`))
    t.equal(journal.ack(3n), true)
    t.equal(journal.ack(1n), true)
    t.equal(journal.ack(5n), true)
    t.equal(journal.ack(3n), false, "duplicate ack")
    t.equal(journal.ack(42n), false, "unknown seq")
    t.equal(journal.size, 2)
    t.equal(journal.stats.acks, 3)
    t.equal(journal.nextSeq, 6n, "acks never lower nextSeq")
    t.equal(journal.stats.liveBytes, 2 * "m2m2-body".length)
  })

  t.test(`${name}: acking everything empties it but keeps nextSeq`, async (t) => {
    const journal = await open(t)
    for (let seq = 0n; seq < 100n; seq++) journal.append(seq, msg("x"))
    for (let seq = 99n; seq >= 0n; seq--) journal.ack(seq)
    t.equal(journal.size, 0)
    t.equal(journal.stats.liveBytes, 0)
    t.equal(journal.nextSeq, 100n)
    await journal.flush()
  })

  t.test(`${name}: appendDurable and flush resolve; frames of any shape are accepted`, async (t) => {
    const journal = await open(t)
    await journal.appendDurable(0n, msg("a"))
    await journal.appendDurable(1n, [])
    await journal.appendDurable(2n, [Buffer.alloc(0), Buffer.alloc(70_000, 7)])
    const many = Array.from({ length: 20 }, (_, i) => journal.appendDurable(BigInt(3 + i), msg(`${i}`)))
    await Promise.all(many)
    await journal.flush()
    t.equal(journal.size, 23)
  })

  t.test(`${name}: close is idempotent; append after close throws EBADF, ack returns false`, async (t) => {
    const journal = await open(t)
    journal.append(0n, msg("a"))
    await journal.close()
    await journal.close()
    t.throws(() => journal.append(1n, msg("b")), { code: "EBADF" })
    await t.rejects(journal.appendDurable(1n, msg("b")), { code: "EBADF" })
    t.equal(journal.ack(0n), false)
    await journal.flush()
  })
}
