// `npm run cluster`: every scenario on a bed of 6 network namespaces, then one summary table and
// the closing "N passed, N failed[, N skipped]" line. `-- <text>` runs the scenarios whose name
// contains <text>.
import { scenarios } from "./scenarios.js"
import { runScenarios, summary, table } from "./runner.js"

const filter = process.argv[2]
const list = filter === undefined ? scenarios : scenarios.filter((s) => s.name.includes(filter))
const outcomes = await runScenarios(list, (o) => console.log(`${o.status === "passed" ? "ok" : o.status === "skipped" ? "skip" : "not ok"} - ${o.name} (${(o.ms / 1000).toFixed(1)} s): ${o.figures}`))
console.log(`\n${table(outcomes)}\n`)
console.log(summary(outcomes))
process.exitCode = outcomes.some((o) => o.status === "failed") ? 1 : 0
