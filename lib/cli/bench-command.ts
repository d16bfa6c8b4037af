// The `bench` command and its hidden peer, as commander declarations; both load their socket
// code only when run.
import { Command, Option } from "commander"
import { integer } from "./socket-options.js"
import type { BenchFlags } from "./bench.js"
import type { PeerFlags } from "./bench-peer.js"

export function addBenchCommands(program: Command): void {
  program.command("bench")
    .description("measure throughput (PUSH->PULL) and latency (REQ<->REP) between this process and a peer it spawns")
    .addOption(new Option("--transport <transport>", "transport to measure").choices(["tcp", "ipc"]).default("tcp"))
    .option("--size <bytes>", "message size", integer(0), 64)
    .option("-n, --count <n>", "messages in the throughput run", integer(2), 100_000)
    .option("--round-trips <n>", "round trips in the latency run", integer(1), 2_000)
    .option("-t, --timeout <ms>", "fail (exit 1) when one step waits longer than ms", integer(1), 30_000)
    .option("--json", "print the result as one JSON object")
    .action(async (flags: BenchFlags) => {
      const { runBench } = await import("./bench.js")
      await runBench(flags)
    })
  program.command("bench-peer", { hidden: true })
    .requiredOption("--throughput <endpoint>", "where to PUSH")
    .requiredOption("--latency <endpoint>", "where to REP")
    .requiredOption("--size <bytes>", "message size", integer(0))
    .requiredOption("--count <n>", "messages to push", integer(1))
    .action(async (flags: PeerFlags) => {
      const { runBenchPeer } = await import("./bench-peer.js")
      await runBenchPeer(flags)
    })
}
