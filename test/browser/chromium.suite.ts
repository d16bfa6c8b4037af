// The browser build in a real browser: headless Chromium (Debian's package, driven by
// puppeteer-core; no browser download) loads dist/browser/brokerless.js into a page served by a
// small Node server, and its sockets talk over ws:// to brokerless and libzmq peers in this
// process. Skips with the reason where no Chromium is installed. Run: npm run test:browser
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import t from "tap"
import * as zmq from "zeromq"
import { curveKeyPair } from "../../lib/security/keys.js"
import { Publisher } from "../../lib/socket/publisher.js"
import { Router } from "../../lib/socket/router.js"
import { within } from "../helpers/events.js"

/** The bundle's gzip budget (scripts/build-browser.mjs fails the build above it too). */
const GZIP_BUDGET = 80 * 1024
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const BUNDLE = join(import.meta.dirname, "..", "..", "..", "..", "dist", "browser", "brokerless.js")
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

/** Serves the page and the bundle; the page itself is empty, tests run through page.evaluate. */
async function servePage(): Promise<{ server: Server; url: string }> {
  const bundle = readFileSync(BUNDLE)
  const server = createServer((request, response) => {
    if (request.url === "/brokerless.js") return response.writeHead(200, { "content-type": "text/javascript" }).end(bundle)
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>brokerless</title>")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` }
}

if (!existsSync(CHROMIUM)) {
  t.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`, () => {})
} else if (!existsSync(BUNDLE)) {
  t.fail(`the browser bundle is missing (${BUNDLE}): npm run build`)
} else {
  const puppeteer = (await import("puppeteer-core")).default
  const profile = mkdtempSync(join(tmpdir(), "bl-chromium-"))
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, `--user-data-dir=${profile}`] })
  const { server, url } = await servePage()
  const page = await browser.newPage()
  const logs: string[] = []
  page.on("console", (message) => logs.push(message.text()))
  page.on("pageerror", (error) => logs.push(String(error)))
  await page.goto(url)
  t.teardown(async () => {
    await browser.close()
    server.close()
    rmSync(profile, { recursive: true, force: true })
    if (logs.length > 0) t.comment(`page console:\n${logs.join("\n")}`)
  })

  /** Runs `body` in the page with the bundle imported as `bl`; resolves to what it returns. */
  const inPage = <T>(body: string, arg: unknown): Promise<T> =>
    within(page.evaluate(`(async (arg) => { const bl = await import("/brokerless.js"); ${body} })(${JSON.stringify(arg)})`) as Promise<T>, 15000, "page")

  t.test("the bundle is one ES module without node: imports", async (t) => {
    const code = readFileSync(BUNDLE, "utf8")
    t.notMatch(code, /\bimport\s*\(?\s*["']node:|from\s*["']node:|require\(/)
    const gzip = gzipSync(code, { level: 9 }).length
    t.ok(gzip <= GZIP_BUDGET, `${(gzip / 1024).toFixed(1)} KiB gzip, budget ${GZIP_BUDGET / 1024} KiB`)
    const names = await inPage<string[]>("return Object.keys(bl).sort()", null)
    for (const name of ["Dealer", "Router", "Request", "Reply", "Subscriber", "Publisher", "Push", "Pull", "Pair", "curveKeyPair"]) {
      t.ok(names.includes(name), `exports ${name}`)
    }
  })

  t.test("browsers refuse RFC 45's subprotocol names (not tokens): the build offers aliases", async (t) => {
    const refused = await inPage<boolean>(`try { new WebSocket("ws://127.0.0.1:9/", "ZWS2.0/NULL"); return false } catch { return true }`, null)
    t.ok(refused, "Chromium throws SyntaxError for ZWS2.0/NULL")
  })

  t.test("a page Dealer talks to a brokerless Router", async (t) => {
    const router = new Router()
    t.teardown(() => router.close())
    await router.bind("ws://127.0.0.1:0/router")
    void (async () => {
      for await (const [id, ...rest] of router) await router.send([id!, "echo", ...rest])
    })().catch(() => {})
    const reply = await inPage<string[]>(`
      const dealer = new bl.Dealer({ routingId: "page" })
      dealer.connect(arg)
      await dealer.send(["hello", new Uint8Array([1, 2, 3])])
      const frames = await dealer.receive()
      dealer.close()
      return [new TextDecoder().decode(frames[0]), new TextDecoder().decode(frames[1]), Array.from(frames[2]).join(",")]
    `, router.lastEndpoint)
    t.same(reply, ["echo", "hello", "1,2,3"])
  })

  t.test("a page Dealer talks to a libzmq Router (bare ZWS2.0: libzmq knows no alias)", async (t) => {
    const router = new zmq.Router({ linger: 0 })
    t.teardown(() => router.close())
    await router.bind("ws://127.0.0.1:0/zmq")
    void (async () => {
      for await (const [id, ...rest] of router) await router.send([id!, "libzmq", ...rest])
    })().catch(() => {})
    const reply = await inPage<string[]>(`
      const dealer = new bl.Dealer()
      dealer.connect(arg)
      await dealer.send("hi")
      const frames = await dealer.receive()
      dealer.close()
      return frames.map((f) => new TextDecoder().decode(f))
    `, router.lastEndpoint)
    t.same(reply, ["libzmq", "hi"])
  })

  t.test("a page Subscriber receives from a brokerless Publisher", async (t) => {
    const publisher = new Publisher()
    t.teardown(() => publisher.close())
    await publisher.bind("ws://127.0.0.1:0/pub")
    let publishing = true
    t.teardown(() => { publishing = false })
    void (async () => {
      while (publishing) {
        await publisher.send(["news", "fresh"])
        await publisher.send(["sport", "ignored"])
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    const got = await inPage<string[]>(`
      const sub = new bl.Subscriber()
      sub.subscribe("news")
      sub.connect(arg)
      const frames = await sub.receive()
      sub.close()
      return frames.map((f) => new TextDecoder().decode(f))
    `, publisher.lastEndpoint)
    t.same(got, ["news", "fresh"])
  })

  t.test("CURVE end to end: a page Dealer to a brokerless CURVE Router", async (t) => {
    const keys = curveKeyPair()
    const router = new Router({ curveServer: true, curveSecretKey: keys.secretKey })
    t.teardown(() => router.close())
    await router.bind("ws://127.0.0.1:0/curve")
    void (async () => {
      for await (const [id, ...rest] of router) await router.send([id!, "sealed", ...rest])
    })().catch(() => {})
    const reply = await inPage<string[]>(`
      const dealer = new bl.Dealer({ curveServerKey: arg })
      let protocolError
      ;(async () => { for await (const e of dealer.events) if (e.type.startsWith("handshake:error")) protocolError = e })()
      dealer.connect(${JSON.stringify(router.lastEndpoint)})
      await dealer.send(["secret", "x".repeat(50000)])
      const frames = await dealer.receive()
      dealer.close()
      return [...frames.slice(0, 2).map((f) => new TextDecoder().decode(f)), String(frames[2].length)]
    `, keys.publicKey)
    t.same(reply, ["sealed", "secret", "50000"])
  })

  t.test("examples/browser: the page served by server.js gets its Router's reply and its Publisher's ticks", async (t) => {
    const example = join(import.meta.dirname, "..", "..", "..", "..", "examples", "browser", "server.js")
    const child = spawn(process.execPath, [example, "0"], { stdio: ["ignore", "pipe", "inherit"] })
    const examplePage = await browser.newPage()
    t.teardown(async () => { await examplePage.close(); if (child.exitCode === null) child.kill("SIGKILL") })
    const base = await within(new Promise<string>((resolve) => {
      let out = ""
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString()
        const match = /serving (http:\/\/\S+\/)/.exec(out)
        if (match) resolve(match[1]!)
      })
    }), 10000, "the example server's address")
    await examplePage.goto(base)
    await within(examplePage.waitForSelector("body[data-ready=yes]"), 15000, "the page's first reply")
    const reply = await examplePage.evaluate('document.getElementById("reply").textContent') as string
    t.match(reply, /^Node v\d+.* got "hello from the page"$/)
    await within(examplePage.waitForFunction(String.raw`/^\d{4}-/.test(document.getElementById("tick").textContent)`), 15000, "a tick")
    t.pass("the page shows a tick")
  })
}
