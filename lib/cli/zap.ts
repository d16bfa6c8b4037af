// The PLAIN server's ZAP handler (RFC 27) for the command line: a Router at the process's
// well-known inproc address that accepts one user/password pair, or everyone when none was
// given (a test server), and refuses the rest with status 400.
import { ZAP_ADDRESS } from "../session/zap-client.js"
import { Router } from "../socket/router.js"

export interface ZapHandler {
  close(): void
}

export async function startZapHandler(user: string | undefined, password: string | undefined): Promise<ZapHandler> {
  const router = new Router()
  await router.bind(ZAP_ADDRESS)
  void serve(router, user, password)
  return { close: () => router.close() }
}

async function serve(router: Router, user: string | undefined, password: string | undefined): Promise<void> {
  try {
    for await (const request of router) {
      // [id, "", version, request id, domain, address, identity, mechanism, user, password]
      const [id, empty, version, requestId, , , , , gotUser, gotPassword] = request
      const ok = (user === undefined || String(gotUser) === user) && (password === undefined || String(gotPassword) === password)
      const reply = [id!, empty!, version!, requestId!, ok ? "200" : "400", ok ? "OK" : "bad user name or password", ok ? gotUser ?? "" : "", ""]
      await router.send(reply)
    }
  } catch {
    // The router closed while replying: the process is exiting.
  }
}
