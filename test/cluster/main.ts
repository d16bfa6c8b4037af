// `npm run cluster`: every scenario on a bed of 6 network namespaces, then one summary table and
// the closing "N passed, N failed[, N skipped]" line. `-- <text> [<text>...]` runs the scenarios
// whose name contains one of the texts.
import { scenarios as single } from "./scenarios.js"
import { multiHomed } from "./scenarios-multihomed.js"
import { runScenarios, summary, table } from "./runner.js"

const scenarios = [...single, multiHomed]
const filters = process.argv.slice(2)
const list = filters.length === 0 ? scenarios : scenarios.filter((s) => filters.some((f) => s.name.includes(f)))
const outcomes = await runScenarios(list, (o) => console.log(`${o.status === "passed" ? "ok" : o.status === "skipped" ? "skip" : "not ok"} - ${o.name} (${(o.ms / 1000).toFixed(1)} s): ${o.figures}`))
console.log(`\n${table(outcomes)}\n`)
console.log(summary(outcomes))
process.exitCode = outcomes.some((o) => o.status === "failed") ? 1 : 0
