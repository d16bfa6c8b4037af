// Unique endpoints per test, per transport (zeromq.js test helpers uniqAddress).
import { tmpdir } from "node:os"
import { createServer } from "node:net"
import { join } from "node:path"

export type Transport = "tcp" | "ipc" | "inproc" | "ws"
export const TRANSPORTS: readonly Transport[] = ["tcp", "ipc", "inproc", "ws"]
/** Transports a libzmq peer in another library instance can reach. */
export const WIRE_TRANSPORTS: readonly Transport[] = ["tcp", "ipc", "ws"]

let counter = 0

/** An address to bind: tcp gets an ephemeral port (use lastEndpoint to connect). */
export function uniqAddress(transport: Transport): string {
  const id = `${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`
  switch (transport) {
    case "tcp": return "tcp://127.0.0.1:0"
    case "ipc": return `ipc://${join(tmpdir(), `bl-${id}.sock`)}`
    case "inproc": return `inproc://test-${id}`
    case "ws": return `ws://127.0.0.1:0/t-${id}`
  }
}

/** An address to connect to that nobody listens on yet (ipc, inproc: a fresh name). */
export async function freeAddress(transport: Transport): Promise<string> {
  if (transport === "tcp") return freeTcpAddress()
  if (transport === "ws") return `${(await freeTcpAddress()).replace("tcp:", "ws:")}/t-${++counter}`
  return uniqAddress(transport)
}

/** A tcp address nobody listens on right now (bound once by the OS, then released). */
export async function freeTcpAddress(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `tcp://127.0.0.1:${port}`
}
