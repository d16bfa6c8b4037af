// Tests run compiled: test/run.js has tsc emit lib/ and test/ into build/test/ and runs tap on
// the .js files there (a TypeScript loader in every test process cost ~2 s per file). These
// helpers find files the same way whether a test runs compiled or as TypeScript.
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

function findRoot(dir: string): string {
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error("no package.json above the tests")
    dir = parent
  }
  return dir
}

/** The repository root (the first directory above the tests with a package.json). */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))

/**
 * A TypeScript module next to the test at `testUrl` (its import.meta.url), as the file a child
 * process runs: the compiled .js beside a compiled test, the .ts beside a TypeScript one.
 */
export function siblingModule(testUrl: string, relative: string): string {
  return fileURLToPath(new URL(`${relative}${testUrl.endsWith(".ts") ? ".ts" : ".js"}`, testUrl))
}

/** A file in the source tree (fixtures that are not TypeScript are not compiled). */
export function sourceFile(...parts: string[]): string {
  return join(REPO_ROOT, ...parts)
}

/** Node flags a child needs to run siblingModule()s: tap's TypeScript loader, if tests use it. */
export function childExecArgv(): string[] {
  return process.execArgv.filter((arg) => arg.includes("@tapjs/typescript"))
}
