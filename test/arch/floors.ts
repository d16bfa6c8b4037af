// The floors of lib/, bottom up, and the checker that holds the imports to them: no import
// from a lower floor to a higher one, and no import cycle, between files or between rooms
// (folders). This table is the one place the floors are written down; README "Project layout"
// describes the same order. A new folder under lib/ must be added here before it can land.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import ts from "typescript"

/** Floor number of each room: a folder under lib/ ("zmtp/") or a file at its top ("errors.ts"). */
export const FLOORS: Readonly<Record<string, number>> = {
  // 1: helpers that know nothing of ZeroMQ
  "util/": 1, "errors.ts": 1, "events.ts": 1,
  // 2: the wire, pure (frames, greeting, commands, READY metadata) and the message shape
  "zmtp/": 2, "message.ts": 2,
  // 3: per-peer queues, security mechanisms (no socket knowledge), discovery
  "pipe/": 3, "security/": 3, "discovery/": 3,
  // 4: strategies over pipes, extensions, payload codecs, byte transports (node + errors only)
  "pattern/": 4, "reliable/": 4, "codec/": 4, "transport/": 4,
  // 5: engines: a connection (stream, inproc, datagram) bound to a pipe
  "engine/": 5,
  // 6: sessions: endpoints, dialers, listeners, udp links, the ZAP client
  "session/": 6,
  // 7: socket types and their base
  "socket/": 7,
  // top: entry points (the package, and the cli, compat, draft and browser builds)
  "index.ts": 8, "draft.ts": 8, "compat.ts": 8, "v5-compat.ts": 8, "cli.ts": 8, "browser.ts": 8,
  "cli/": 8, "compat/": 8, "draft/": 8, "browser/": 8, "telemetry/": 8,
}

export interface ImportEdge {
  from: string
  to: string
}

export interface FloorReport {
  /** Files (relative to lib/) whose room is not in FLOORS. */
  unplaced: string[]
  /** Imports from a lower floor to a higher one. */
  upward: Array<ImportEdge & { fromFloor: number; toFloor: number }>
  /** Import cycles between files: each a list of files. */
  fileCycles: string[][]
  /** Import cycles between rooms: each a list of rooms. */
  roomCycles: string[][]
}

/** The room of a file relative to lib/: its first folder ("zmtp/"), or the file itself. */
export function roomOf(file: string): string {
  const slash = file.indexOf("/")
  return slash < 0 ? file : file.slice(0, slash + 1)
}

/** Every .ts file under `libDir` with the lib/ files it imports (static, type-only, dynamic, re-exports). */
export function readImports(libDir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of listTs(libDir)) {
    const source = readFileSync(file, "utf8")
    const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName)
    const targets: string[] = []
    for (const specifier of specifiers) {
      if (!specifier.startsWith(".")) continue // node: and packages
      const target = resolve(dirname(file), specifier).replace(/\.js$/, ".ts")
      targets.push(relative(libDir, target).split("\\").join("/"))
    }
    graph.set(relative(libDir, file).split("\\").join("/"), targets)
  }
  return graph
}

function listTs(dir: string): string[] {
  const files: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files.push(...listTs(path))
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(path)
  }
  return files
}

/** Checks an import graph (file -> imported files, relative to lib/) against `floors`. */
export function checkFloors(graph: Map<string, string[]>, floors: Readonly<Record<string, number>> = FLOORS): FloorReport {
  const floorOf = (file: string) => floors[roomOf(file)]
  const unplaced = new Set<string>()
  const upward: FloorReport["upward"] = []
  const rooms = new Map<string, string[]>()
  for (const [from, targets] of graph) {
    const fromFloor = floorOf(from)
    if (fromFloor === undefined) unplaced.add(from)
    for (const to of targets) {
      const toFloor = floorOf(to)
      if (toFloor === undefined) unplaced.add(to)
      else if (fromFloor !== undefined && toFloor > fromFloor) upward.push({ from, to, fromFloor, toFloor })
      if (roomOf(from) !== roomOf(to)) addEdge(rooms, roomOf(from), roomOf(to))
    }
  }
  return { unplaced: [...unplaced].sort(), upward, fileCycles: cycles(graph), roomCycles: cycles(rooms) }
}

function addEdge(graph: Map<string, string[]>, from: string, to: string): void {
  const targets = graph.get(from)
  if (!targets) graph.set(from, [to])
  else if (!targets.includes(to)) targets.push(to)
}

/** Strongly connected components with more than one node, or with a self-import (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  let next = 0
  const visit = (node: string): void => {
    index.set(node, next)
    low.set(node, next++)
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort())
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return found
}
