// The import rule of the house (README "Project layout"): every file of lib/ stands on a floor,
// imports only from its own floor or below, and no import cycle exists between files or rooms.
// The floor table is in floors.ts.
import t from "tap"
import { sourceFile } from "../helpers/paths.js"
import { checkFloors, cycles, readImports } from "./floors.js"

const graph = readImports(sourceFile("lib"))

t.test("the checker reads lib/ (sanity: the entry point and its imports are seen)", async (t) => {
  t.ok(graph.size > 50, `${graph.size} files read`)
  t.ok(graph.get("index.ts")?.length, "index.ts imports are read")
})

t.test("every file of lib/ is on a floor", async (t) => {
  const { unplaced } = checkFloors(graph)
  t.same(unplaced, [], "add new folders to FLOORS in test/arch/floors.ts")
})

t.test("no import runs from a lower floor up to a higher one", async (t) => {
  const { upward } = checkFloors(graph)
  t.same(upward.map((e) => `${e.from} (floor ${e.fromFloor}) -> ${e.to} (floor ${e.toFloor})`), [])
})

t.test("no import cycle between files or between rooms", async (t) => {
  const { fileCycles, roomCycles } = checkFloors(graph)
  t.same(fileCycles, [], "file cycles")
  t.same(roomCycles, [], "room cycles")
})

t.test("the checker finds an upward import, a file cycle, a room cycle and an unknown room", async (t) => {
  const fake = new Map([
    ["zmtp/a.ts", ["socket/b.ts"]],
    ["socket/b.ts", ["zmtp/a.ts"]],
    ["pipe/c.ts", ["security/d.ts"]],
    ["security/d.ts", ["pipe/e.ts"]],
    ["pipe/e.ts", []],
    ["nowhere/f.ts", ["util/g.ts"]],
    ["util/g.ts", ["util/g.ts"]],
  ])
  const report = checkFloors(fake)
  t.same(report.upward.map((e) => `${e.from}>${e.to}`), ["zmtp/a.ts>socket/b.ts"])
  t.same(report.fileCycles, [["socket/b.ts", "zmtp/a.ts"], ["util/g.ts"]])
  t.same(report.roomCycles.map((c) => c.join(" ")).sort(), ["pipe/ security/", "socket/ zmtp/"])
  t.same(report.unplaced, ["nowhere/f.ts"])
  t.same(cycles(new Map([["x", ["y"]], ["y", []]])), [])
})
