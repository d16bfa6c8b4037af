// Builds the browser bundle dist/browser/brokerless.js from lib/browser.ts with esbuild: one ES
// module, no node: imports. The Node transports are replaced (ws-transport.ts by ws-browser.ts;
// journal-open.ts, the on-disk journal, by journal-open-browser.ts; the tcp/ipc stream engines
// by stream-engines-browser.ts; net, dgram, fs, mDNS... by stubs that fail when used), Buffer
// comes from the `buffer` package
// and EventEmitter from `events`. Prints the size and checks it against the gzip budget.
import { build } from "esbuild"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const shims = join(root, "scripts", "browser-shims")
export const OUTFILE = join(root, "dist", "browser", "brokerless.js")
/** The gzip budget of the bundle (README "Browser"): the whole library, CURVE included. */
export const GZIP_BUDGET = 80 * 1024

const SHIMS = {
  "node:crypto": "crypto.js", "node:net": "net.js", "node:buffer": "buffer.js", "node:util": "util.js",
  "libsodium-wrappers": "no-sodium.js", "sodium-native": "no-sodium.js",
}
const PACKAGES = { "node:events": "events" }
/** Node-only modules (and packages) whose use fails with a clear error in the browser. */
const UNAVAILABLE = /^(node:.*|ws|bonjour-service)$/

const browserPlugin = {
  name: "brokerless-browser",
  setup(b) {
    b.onResolve({ filter: /ws-transport\.js$/ }, () => ({ path: join(root, "lib", "transport", "ws-browser.ts") }))
    b.onResolve({ filter: /zmqjs-compat\.js$/ }, () => ({ path: join(root, "lib", "socket", "zmqjs-compat-browser.ts") }))
    b.onResolve({ filter: /journal-open\.js$/ }, () => ({ path: join(root, "lib", "reliable", "journal-open-browser.ts") }))
    b.onResolve({ filter: /stream-engines\.js$/ }, () => ({ path: join(root, "lib", "session", "stream-engines-browser.ts") }))
    b.onResolve({ filter: /.*/ }, (args) => {
      if (SHIMS[args.path]) return { path: join(shims, SHIMS[args.path]) }
      if (PACKAGES[args.path]) return b.resolve(PACKAGES[args.path], { resolveDir: root, kind: args.kind })
      if (UNAVAILABLE.test(args.path)) return { path: args.path, namespace: "unavailable" }
      return undefined
    })
    b.onLoad({ filter: /.*/, namespace: "unavailable" }, (args) => {
      const names = [...(importedNames().get(args.path) ?? [])].filter((name) => name !== "default")
      return {
        contents: `import { handler } from ${JSON.stringify(join(shims, "unavailable.js"))}\n` +
          `const m = handler(${JSON.stringify(args.path)})\nexport default m\n` +
          names.map((name) => `export const ${name} = m.${name}\n`).join(""),
        resolveDir: root,
      }
    })
  },
}

/** The names lib/ imports from each module ("node:fs" -> existsSync, ...), for the stubs' exports. */
let imported
function importedNames() {
  if (imported) return imported
  imported = new Map()
  const files = readdirSync(join(root, "lib"), { recursive: true }).filter((f) => String(f).endsWith(".ts"))
  for (const file of files) {
    const source = readFileSync(join(root, "lib", String(file)), "utf8")
    for (const match of source.matchAll(/import\s+(?:type\s+)?(?:\w+\s*,\s*)?\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
      const set = imported.get(match[2]) ?? new Set()
      for (const part of match[1].split(",")) {
        const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0].trim()
        if (name && !part.trim().startsWith("type ")) set.add(name)
      }
      imported.set(match[2], set)
    }
  }
  return imported
}

export async function buildBrowser() {
  await build({
    entryPoints: [join(root, "lib", "browser.ts")],
    outfile: OUTFILE,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    legalComments: "none",
    inject: [join(shims, "globals.js")],
    plugins: [browserPlugin],
    logLevel: "warning",
    // Namespace imports of stubbed Node modules (fs.readSync...) are undefined on purpose.
    logOverride: { "import-is-undefined": "silent" },
  })
  const code = readFileSync(OUTFILE)
  return { bytes: statSync(OUTFILE).size, gzip: gzipSync(code, { level: 9 }).length }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bytes, gzip } = await buildBrowser()
  const line = `browser bundle: ${(bytes / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzip (budget ${GZIP_BUDGET / 1024} KiB)`
  console.log(line)
  if (gzip > GZIP_BUDGET) { console.error("over the gzip budget"); process.exit(1) }
}
