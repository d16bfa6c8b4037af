// `brokerless keygen`: a new CURVE key pair in Z85 (40 characters per key), as libzmq's
// curve_keygen prints it, or as JSON for scripts.
import type { Command } from "commander"
import { writeLine } from "./output.js"

export function addKeygenCommand(program: Command): void {
  program.command("keygen")
    .description("generate a CURVE key pair (Z85): the public key for clients, the secret for the server")
    .option("--json", "print {\"publicKey\": ..., \"secretKey\": ...}")
    .action(async (flags: { json?: boolean }) => {
      const { curveKeyPair } = await import("../security/keys.js")
      const pair = curveKeyPair()
      if (flags.json) return writeLine(JSON.stringify(pair))
      await writeLine(`public: ${pair.publicKey}`)
      await writeLine(`secret: ${pair.secretKey}`)
    })
}
