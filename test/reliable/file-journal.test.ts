import t, { type Test } from "tap"
import { fork, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { isDeepStrictEqual } from "node:util"
import { type JournalCorruption, openFileJournal } from "../../lib/reliable/file-journal.js"
import type { JournalRecord } from "../../lib/reliable/journal.js"
import { payloadFor } from "./fixtures/payload.js"
import { journalContract } from "./journal.contract.js"
import { childExecArgv, siblingModule } from "../helpers/paths.js"

const HEADER = 36
const recordSize = (frames: Buffer[]): number => 8 + 13 + frames.reduce((n, f) => n + 4 + f.length, 0)

function tempPath(t: Test): string {
  const dir = fs.mkdtempSync(join(tmpdir(), "brokerless-journal-"))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return join(dir, "outbox.journal")
}

/** Opens `path` collecting corruption reports; closes it at teardown. */
function open(t: Test, path: string, options: Parameters<typeof openFileJournal>[1] = {}) {
  const reports: JournalCorruption[] = []
  const journal = openFileJournal(path, { onCorruption: (r) => reports.push(r), ...options })
  t.teardown(() => journal.close())
  return { journal, reports }
}

/** Asserts records are exactly seqs `expected` with their payloadFor() content, in order. */
function checkRecords(t: Test, records: JournalRecord[], expected: bigint[]): void {
  t.same(records.map((r) => r.seq), expected, "recovered seqs")
  const bad = records.filter((r) => !Buffer.concat(r.frames).equals(Buffer.concat(payloadFor(r.seq))))
  t.same(bad.map((r) => r.seq), [], "recovered content is intact")
}

async function writeRecords(path: string, count: number): Promise<number[]> {
  const journal = openFileJournal(path, { fsync: "never" })
  const starts: number[] = []
  let at = HEADER
  for (let seq = 0n; seq < BigInt(count); seq++) {
    starts.push(at)
    at += recordSize(payloadFor(seq))
    journal.append(seq, payloadFor(seq))
  }
  await journal.close()
  return starts
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const range = (from: number, to: number): bigint[] => Array.from({ length: to - from }, (_, i) => BigInt(from + i))

journalContract(t, "FileJournal", (t) => open(t, tempPath(t)).journal)

t.test("reopen after close recovers only unacked records, same sender id and nextSeq", async (t) => {
  const path = tempPath(t)
  const first = openFileJournal(path)
  for (let seq = 0n; seq < 10n; seq++) first.append(seq, payloadFor(seq))
  for (const seq of [0n, 9n, 4n, 5n]) first.ack(seq)
  const senderId = first.senderId
  await first.close()
  t.notOk(fs.existsSync(path + ".lock"), "lock released")

  const { journal, reports } = open(t, path)
  t.same(reports, [])
  t.ok(journal.senderId.equals(senderId), "sender id survives a restart")
  t.equal(journal.nextSeq, 10n)
  checkRecords(t, journal.recovered(), [1n, 2n, 3n, 6n, 7n, 8n])
  journal.ack(2n)
  checkRecords(t, journal.recovered(), [1n, 3n, 6n, 7n, 8n])
  t.equal(journal.size, 5)
})

t.test("nextSeq survives when every record was acked and compacted away", async (t) => {
  const path = tempPath(t)
  const first = openFileJournal(path, { compactAfterBytes: 1 })
  for (let seq = 0n; seq < 50n; seq++) first.append(seq, payloadFor(seq))
  for (let seq = 0n; seq < 50n; seq++) first.ack(seq)
  await first.close()
  t.equal(first.stats.compactions, 1)
  t.equal(fs.statSync(path).size, HEADER, "only the header is left")
  const { journal } = open(t, path)
  t.equal(journal.nextSeq, 50n)
  t.equal(journal.size, 0)
})

t.test("a journal open elsewhere is refused with ELOCKED; stale locks are taken over", async (t) => {
  const path = tempPath(t)
  const journal = openFileJournal(path)
  t.throws(() => openFileJournal(path), { code: "ELOCKED" }, "second open in the same process")
  await journal.close()
  const dead = spawnSync(process.execPath, ["-e", ""]).pid
  fs.writeFileSync(path + ".lock", `${dead}\n`)
  await openFileJournal(path).close()
  fs.writeFileSync(path + ".lock", `${process.pid}\n`) // our pid, but a previous incarnation's lock
  await openFileJournal(path).close()
  fs.writeFileSync(path + ".compact", "half-written compaction")
  await openFileJournal(path).close()
  t.notOk(fs.existsSync(path + ".compact"), "interrupted compaction output removed")
})

t.test("SIGKILL mid-stream: every record acknowledged to the parent is recovered intact", { timeout: 60_000 }, async (t) => {
  const path = tempPath(t)
  const fixture = siblingModule(import.meta.url, "./fixtures/journal-writer")
  const child = fork(fixture, [path], { execArgv: childExecArgv(), stdio: ["ignore", "inherit", "inherit", "ipc"] })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL")
  })
  const durable: bigint[] = []
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child reported only ${durable.length} records`)), 45_000)
    child.on("message", (message: { ready?: boolean; durable?: string }) => {
      if (message.ready) t.throws(() => openFileJournal(path), { code: "ELOCKED" }, "locked by the live child")
      if (message.durable === undefined) return
      durable.push(BigInt(message.durable))
      if (durable.length === 400) process.kill(child.pid!, "SIGKILL")
    })
    child.on("exit", (_code, signal) => (clearTimeout(timer), resolve(signal)))
  })
  t.equal(signal, "SIGKILL")
  const { journal, reports } = open(t, path)
  t.ok(reports.every((r) => r.code === "ERR_JOURNAL_TRUNCATED"), "at most a torn tail, never a bad checksum")
  const recovered = journal.recovered()
  checkRecords(t, recovered, [...recovered.map((r) => r.seq)].sort((a, b) => (a < b ? -1 : 1)))
  const have = new Set(recovered.map((r) => r.seq))
  const missing = durable.filter((seq) => seq % 3n !== 0n && !have.has(seq))
  t.same(missing, [], "every durable, unacked record was recovered")
  t.comment(`${durable.length} durable before the kill, ${recovered.length} recovered, reports: ${JSON.stringify(reports)}`)
  t.ok(journal.nextSeq > durable.at(-1)!, "nextSeq is past every durable seq")
})

t.test("a truncated last record is reported and cut off at every offset; the prefix is kept", async (t) => {
  const path = tempPath(t)
  const starts = await writeRecords(path, 5)
  const full = fs.readFileSync(path)
  const last = starts[4]!
  const wrong: number[] = []
  for (let cut = last; cut < full.length; cut++) {
    fs.writeFileSync(path, full.subarray(0, cut))
    const reports: JournalCorruption[] = []
    const journal = openFileJournal(path, { onCorruption: (r) => reports.push(r) })
    const seqs = journal.recovered().map((r) => r.seq)
    await journal.close()
    const expected = cut === last ? [] : [{ code: "ERR_JOURNAL_TRUNCATED", offset: last, droppedBytes: cut - last }]
    const got = reports.map(({ code, offset, droppedBytes }) => ({ code, offset, droppedBytes }))
    const ok = isDeepStrictEqual(seqs, range(0, 4)) && isDeepStrictEqual(got, expected) && fs.statSync(path).size === last
    if (!ok) wrong.push(cut)
  }
  t.same(wrong, [], `every cut in ${last}..${full.length - 1} handled`)
  const { journal } = open(t, path)
  journal.append(journal.nextSeq, payloadFor(4n))
  await journal.flush()
  t.equal(fs.statSync(path).size, full.length, "appends continue where the valid prefix ends")
})

t.test("a flipped byte anywhere in a middle record is detected; later records are not trusted", async (t) => {
  const path = tempPath(t)
  const starts = await writeRecords(path, 10)
  const full = fs.readFileSync(path)
  const [from, to] = [starts[5]!, starts[6]!]
  const wrong: number[] = []
  for (let at = from; at < to; at++) {
    const damaged = Buffer.from(full)
    damaged[at]! ^= 0x5a
    fs.writeFileSync(path, damaged)
    const reports: JournalCorruption[] = []
    const journal = openFileJournal(path, { onCorruption: (r) => reports.push(r) })
    const records = journal.recovered()
    await journal.close()
    const intact = records.every((r) => Buffer.concat(r.frames).equals(Buffer.concat(payloadFor(r.seq))))
    const ok = intact && records.length === 5 && reports.length === 1 && reports[0]!.offset === from &&
      reports[0]!.droppedBytes === full.length - from && fs.statSync(path).size === from
    if (!ok) wrong.push(at)
  }
  t.same(wrong, [], "every flipped byte detected at the record start")

  const damaged = Buffer.from(full)
  damaged[to - 1]! ^= 1 // a payload byte: only the CRC can tell
  fs.writeFileSync(path, damaged)
  const { journal, reports } = open(t, path)
  t.match(reports, [{ code: "ERR_JOURNAL_CORRUPT", reason: /checksum/, offset: from }])
  checkRecords(t, journal.recovered(), range(0, 5))
  t.equal(journal.nextSeq, 5n)
})

t.test("a zero-filled tail (power loss) is reported as corrupt and dropped", async (t) => {
  const path = tempPath(t)
  await writeRecords(path, 3)
  const size = fs.statSync(path).size
  fs.appendFileSync(path, Buffer.alloc(4096))
  const { journal, reports } = open(t, path)
  t.match(reports, [{ code: "ERR_JOURNAL_CORRUPT", offset: size, droppedBytes: 4096 }])
  checkRecords(t, journal.recovered(), range(0, 3))
})

t.test("a damaged header is refused with ERR_JOURNAL_CORRUPT and the file left untouched", async (t) => {
  const path = tempPath(t)
  await writeRecords(path, 2)
  const damaged = fs.readFileSync(path)
  damaged[10]! ^= 1 // inside the sender id
  fs.writeFileSync(path, damaged)
  t.throws(() => openFileJournal(path), { code: "ERR_JOURNAL_CORRUPT" })
  t.ok(fs.readFileSync(path).equals(damaged))
  t.notOk(fs.existsSync(path + ".lock"), "lock released after a failed open")
  fs.writeFileSync(path, "not a journal at all, just text")
  t.throws(() => openFileJournal(path), { code: "ERR_JOURNAL_CORRUPT" })
})

t.test("a throwing onCorruption fails the open and releases the lock", async (t) => {
  const path = tempPath(t)
  await writeRecords(path, 3)
  fs.appendFileSync(path, Buffer.from([0, 0, 1]))
  const boom = () => {
    throw new Error("handler refused")
  }
  t.throws(() => openFileJournal(path, { onCorruption: boom }), { message: /handler refused/ })
  const { journal, reports } = open(t, path)
  t.equal(reports.length, 1, "the damage is still there to report")
  checkRecords(t, journal.recovered(), range(0, 3))
})

t.test("concurrent close calls share one shutdown; appends after close() started are refused", async (t) => {
  const path = tempPath(t)
  const journal = openFileJournal(path, { fsync: "always" })
  const durable = journal.appendDurable(0n, payloadFor(0n))
  const closing = [journal.close(), journal.close()]
  t.throws(() => journal.append(1n, payloadFor(1n)), { code: "EBADF" })
  await Promise.all([durable, ...closing])
  const { journal: reopened } = open(t, path)
  checkRecords(t, reopened.recovered(), [0n])
})

t.test('compaction also runs under steady "always" load and releases the fsync waiters', async (t) => {
  const path = tempPath(t)
  const { journal } = open(t, path, { fsync: "always", compactAfterBytes: 8 * 1024 })
  for (let round = 0; round < 50; round++) {
    const base = BigInt(round * 20)
    const batch = range(0, 20).map((i) => journal.appendDurable(base + i, payloadFor(base + i)))
    if (round > 0) for (let i = 0n; i < 20n; i++) journal.ack(base - 20n + i)
    await Promise.all(batch)
  }
  t.ok(journal.stats.compactions > 0, `${journal.stats.compactions} compactions`)
  await journal.flush()
  t.equal(fs.statSync(path).size, journal.stats.fileBytes)
  t.equal(journal.size, 20)
})

t.test("compaction keeps exactly the unacked records and shrinks the file", async (t) => {
  const path = tempPath(t)
  const journal = openFileJournal(path, { fsync: "never", compactAfterBytes: 4096 })
  for (let seq = 0n; seq < 200n; seq++) journal.append(seq, payloadFor(seq))
  await journal.flush()
  const before = fs.statSync(path).size
  t.equal(journal.stats.compactions, 0, "nothing acked yet: no compaction")
  const keep = range(0, 200).filter((seq) => seq % 10n === 3n)
  for (let seq = 0n; seq < 200n; seq++) if (seq % 10n !== 3n) journal.ack(seq)
  await journal.flush()
  t.equal(journal.stats.compactions, 1)
  const after = fs.statSync(path).size
  t.equal(after, HEADER + keep.reduce((n, seq) => n + recordSize(payloadFor(seq)), 0), "live records only")
  t.ok(after < before / 5, `shrank from ${before} to ${after}`)
  journal.append(200n, payloadFor(200n)) // appends land in the new file
  await journal.close()
  const reopened = open(t, path)
  t.same(reopened.reports, [])
  checkRecords(t, reopened.journal.recovered(), [...keep, 200n])
  t.equal(reopened.journal.nextSeq, 201n)
})

t.test("100k appends and acks keep the file bounded", { timeout: 60_000 }, async (t) => {
  const path = tempPath(t)
  const journal = openFileJournal(path, { fsync: "never", compactAfterBytes: 64 * 1024 })
  const frame = Buffer.alloc(64, 1)
  let largest = 0
  for (let batch = 0; batch < 100; batch++) {
    for (let i = 0; i < 1000; i++) {
      const seq = BigInt(batch * 1000 + i)
      journal.append(seq, [frame])
      if (seq >= 10n) journal.ack(seq - 10n)
    }
    await new Promise<void>((resolve) => setImmediate(resolve))
    largest = Math.max(largest, fs.statSync(path).size)
  }
  await journal.close()
  t.ok(largest < 512 * 1024, `largest file ${largest} bytes, uncompacted would be ~${100_000 * (recordSize([frame]) + 17)}`)
  t.ok(journal.stats.compactions >= 10, `${journal.stats.compactions} compactions`)
  const { journal: reopened } = open(t, path)
  t.same(reopened.recovered().map((r) => r.seq), range(99_990, 100_000))
  t.equal(reopened.nextSeq, 100_000n)
})

t.test('fsync "always": appendDurable waits for fsync, one fsync per tick for many appends', async (t) => {
  const { journal } = open(t, tempPath(t), { fsync: "always" })
  await journal.appendDurable(0n, payloadFor(0n))
  t.equal(journal.stats.fsyncs, 1)
  await Promise.all(range(1, 101).map((seq) => journal.appendDurable(seq, payloadFor(seq))))
  t.equal(journal.stats.fsyncs, 2, "group commit")
  journal.ack(5n) // acks are not waited for
  t.equal(journal.stats.fsyncs, 2)
})

t.test('fsync "batch" syncs shortly after writing; "never" only on flush', async (t) => {
  const batch = open(t, tempPath(t), { fsync: "batch", batchIntervalMs: 5 }).journal
  const never = open(t, tempPath(t), { fsync: "never" }).journal
  await Promise.all([batch.appendDurable(0n, payloadFor(0n)), never.appendDurable(0n, payloadFor(0n))])
  t.equal(batch.stats.fsyncs, 0, "resolved after the write, before the fsync")
  for (let waited = 0; batch.stats.fsyncs === 0 && waited < 5000; waited += 10) await sleep(10)
  t.equal(batch.stats.fsyncs, 1, "the batch timer fsynced")
  await sleep(50)
  t.equal(batch.stats.fsyncs, 1, "and only once: nothing new was written")
  t.equal(never.stats.fsyncs, 0)
  await never.flush()
  t.equal(never.stats.fsyncs, 1)
})
