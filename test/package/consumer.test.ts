// The package as users get it: `npm pack` of a copy of the sources (built by its own prepare
// script, as a publish would), installed offline into a fresh CommonJS project, then used with
// require() and with import from that project. This catches what tests inside the repo cannot:
// the exports map, the files list, the CommonJS build and its nested package.json.
import t from "tap"
import { spawnSync, type SpawnSyncReturns } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { REPO_ROOT, sourceFile } from "../helpers/paths.js"

t.setTimeout(300_000)

const work = mkdtempSync(join(tmpdir(), "brokerless-package-"))
t.teardown(() => rmSync(work, { recursive: true, force: true }))

function run(cmd: string, args: string[], cwd: string, timeout = 180_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, npm_config_update_notifier: "false" } })
}

const explain = (r: SpawnSyncReturns<string>) => `exit ${r.status}${r.signal ? ` (${r.signal})` : ""}\n${r.stdout}\n${r.stderr}`.trim()

/** Newest mtime of the files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  let latest = 0
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
    }
  } catch {
    return 0
  }
  return latest
}

/** The repo's dist/ (both builds) is newer than every source: after `npm ci`, as in CI. */
function distIsFresh(): boolean {
  try {
    const built = Math.min(statSync(join(REPO_ROOT, "dist", "index.js")).mtimeMs, statSync(join(REPO_ROOT, "dist", "cjs", "index.js")).mtimeMs)
    return built > newest(join(REPO_ROOT, "lib"))
  } catch {
    return false
  }
}

/**
 * Packs a copy of the sources. Its prepare script builds it, as a publish would, unless the
 * repo's dist/ is fresh: then that is copied and packed as it is (saves two compilations).
 */
function pack(): string {
  const source = join(work, "source")
  for (const entry of ["package.json", "tsconfig.json", "tsconfig.cjs.json", "lib", "scripts", "README.md"]) {
    cpSync(join(REPO_ROOT, entry), join(source, entry), { recursive: true })
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(source, "node_modules"), "dir")
  const fresh = distIsFresh()
  if (fresh) cpSync(join(REPO_ROOT, "dist"), join(source, "dist"), { recursive: true })
  const r = run("npm", ["pack", "--silent", ...(fresh ? ["--ignore-scripts"] : []), "--pack-destination", work], source)
  if (r.status !== 0) throw new Error(`npm pack failed: ${explain(r)}`)
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))
  if (!tarball) throw new Error(`npm pack made no tarball: ${explain(r)}`)
  return join(work, tarball)
}

/**
 * A lockfile holding the repo's runtime dependencies (the non-dev entries of its own lock), so
 * that an offline install finds every version pinned and fetches nothing: the npm cache holds
 * the tarballs but not the registry metadata a fresh resolution would need.
 */
function runtimeLock(): object {
  const repoLock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; link?: boolean }>
  }
  const packages: Record<string, object> = { "": { name: "cjs-app" } }
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path.startsWith("node_modules/") && !entry.dev && !entry.devOptional && !entry.link) packages[path] = entry
  }
  return { name: "cjs-app", lockfileVersion: 3, requires: true, packages }
}

let app = ""
t.before(() => {
  const tarball = pack()
  app = join(work, "app")
  cpSync(sourceFile("test", "package", "fixtures"), app, { recursive: true })
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "cjs-app", private: true, type: "commonjs" }))
  writeFileSync(join(app, "package-lock.json"), JSON.stringify(runtimeLock()))
  // Offline: the dependencies come from the npm cache the repo's own install filled.
  const r = run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], app)
  if (r.status !== 0) throw new Error(`npm install of the tarball failed: ${explain(r)}`)
})

t.test("require() works for the main entry, brokerless/draft and brokerless/v5-compat from a CommonJS project", async (t) => {
  const r = run(process.execPath, ["consumer.cjs"], app, 30_000)
  t.equal(r.status, 0, explain(r))
  t.match(r.stdout, /main entry: push -> pull ok/)
  t.match(r.stdout, /errors are the entry's ZmqError/)
  t.match(r.stdout, /v5-compat: push -> pull ok/)
  t.match(r.stdout, /draft entry: client -> server -> client ok/)
  t.match(r.stdout, /done/)
})

t.test("import works from the same installed package", async (t) => {
  const r = run(process.execPath, ["consumer.mjs"], app, 30_000)
  t.equal(r.status, 0, explain(r))
  t.match(r.stdout, /import: push -> pull ok/)
})

t.test("`npx brokerless --help` runs the installed command (package.json bin)", async (t) => {
  const help = run("npx", ["--no-install", "brokerless", "--help"], app, 60_000)
  t.equal(help.status, 0, explain(help))
  t.match(help.stdout, /Usage: brokerless/)
  t.match(help.stdout, /push \[options\] \[message\.\.\.\]/)
  // And it really talks: a key pair from the installed command.
  const keys = run("npx", ["--no-install", "brokerless", "keygen", "--json"], app, 60_000)
  t.equal(keys.status, 0, explain(keys))
  t.match(JSON.parse(keys.stdout) as object, { publicKey: /^.{40}$/, secretKey: /^.{40}$/ })
})

// Typings: TypeScript written against zeromq.js (fixtures/typings: the main API, draft sockets,
// the 5.x API) must type-check against zeromq itself (so it is real zeromq.js code), and then,
// with only the import switched, against the installed brokerless: as an ES module (.mts) and
// as CommonJS (.cts, which resolves the "require" types).
const FIXTURES = ["app", "draft", "v5"]
const tsc = (cwd: string, files: string[]) => run(process.execPath, [
  join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "--strict", "--noEmit", "--target", "es2022",
  "--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node", "--typeRoots", join(REPO_ROOT, "node_modules", "@types"),
  ...files,
], cwd, 120_000)

t.test("zeromq.js-style TypeScript type-checks against zeromq, and against brokerless as ESM and CommonJS", async (t) => {
  // Reference: the fixtures unchanged, against zeromq itself (so they are real zeromq.js code).
  const ref = join(work, "zeromq-app")
  mkdirSync(join(ref, "node_modules"), { recursive: true })
  symlinkSync(join(REPO_ROOT, "node_modules", "zeromq"), join(ref, "node_modules", "zeromq"), "dir")
  writeFileSync(join(ref, "package.json"), JSON.stringify({ name: "zeromq-app", private: true, type: "commonjs" }))
  const files: string[] = []
  for (const name of FIXTURES) {
    cpSync(sourceFile("test", "package", "fixtures", "typings", `${name}.ts`), join(ref, `${name}.ts`))
    files.push(join(ref, `${name}.ts`))
  }
  // The same code with only the imports switched, in the project that installed the tarball.
  for (const name of FIXTURES) {
    const source = readFileSync(sourceFile("test", "package", "fixtures", "typings", `${name}.ts`), "utf8")
    const switched = source.replace(/from "zeromq\//g, 'from "brokerless/').replace(/from "zeromq"/g, 'from "brokerless"')
    t.not(switched, source, `${name}.ts imports zeromq`)
    for (const ext of ["mts", "cts"]) {
      writeFileSync(join(app, `${name}.${ext}`), switched)
      files.push(join(app, `${name}.${ext}`))
    }
  }
  // One program for all of them: one compiler start on a loaded machine.
  const r = tsc(work, files)
  t.equal(r.status, 0, explain(r))
})
