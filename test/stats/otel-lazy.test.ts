// @opentelemetry/api is loaded only once the application has registered an SDK through it:
// importing it costs tens of ms of main-thread CPU, which a program without OpenTelemetry would
// otherwise pay in its first connections. Each case runs in a fresh node process whose module
// resolution is watched by a loader hook.
import t from "tap"
import { execFile } from "node:child_process"
import { writeFileSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TestCase } from "../helpers/tap.js"

t.setTimeout(30_000)

const lib = new URL("../../lib/index.js", import.meta.url).href
const api = import.meta.resolve("@opentelemetry/api")
const sdk = import.meta.resolve("@opentelemetry/sdk-metrics")

/** Makes a socket in a fresh process (after `setup`) and reports what brokerless resolved of @opentelemetry/api. */
function otelModulesLoaded(t: TestCase, setup: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "bl-otel-"))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const hooks = `let port
export function initialize(data) { port = data.port }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  // Only what brokerless itself imports (the test's own setup imports the api too).
  if (result.url.includes("@opentelemetry/api") && String(context.parentURL).includes("/telemetry/")) port.postMessage(result.url)
  return result
}`
  writeFileSync(join(dir, "hooks.mjs"), hooks)
  writeFileSync(join(dir, "child.mjs"), `import { register } from "node:module"
import { MessageChannel } from "node:worker_threads"
const { port1, port2 } = new MessageChannel()
const seen = []
port1.on("message", (url) => seen.push(url))
port1.unref()
register(${JSON.stringify(new URL(`file://${join(dir, "hooks.mjs")}`).href)}, { data: { port: port2 }, transferList: [port2] })
${setup}
const { Push } = await import(${JSON.stringify(lib)})
new Push().close()
await new Promise((resolve) => setTimeout(resolve, 500))
console.log(JSON.stringify(seen))
`)
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(dir, "child.mjs")], { timeout: 15_000 }, (error, stdout) => {
      if (error) return reject(error)
      resolve(JSON.parse(stdout.trim().split("\n").pop()!) as string[])
    })
  })
}

t.test("no SDK registered: making a socket loads nothing of OpenTelemetry", async (t) => {
  t.same(await otelModulesLoaded(t, ""), [])
})

t.test("an SDK registered first: the first socket loads the api and binds to it", async (t) => {
  const setup = `const { metrics } = await import(${JSON.stringify(api)})
const { MeterProvider } = await import(${JSON.stringify(sdk)})
metrics.setGlobalMeterProvider(new MeterProvider())`
  const loaded = await otelModulesLoaded(t, setup)
  t.ok(loaded.length > 0, `the api is resolved for the socket (${loaded.length} resolutions)`)
})
