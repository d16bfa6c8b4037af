// The quick cluster scenarios, in npm test (the rest: npm run cluster). They need root for the
// network namespaces; elsewhere the file is skipped with the reason printed.
import t from "tap"
import { bedUnavailable } from "./bed.js"
import { runScenarios } from "./runner.js"
import { scenarios } from "./scenarios.js"

const why = bedUnavailable()
if (why !== undefined) {
  t.plan(0, `skipped: the cluster bed needs network namespaces (${why})`)
} else {
  t.test("quick cluster scenarios", async (t) => {
    const outcomes = await runScenarios(scenarios.filter((s) => s.quick === true))
    t.ok(outcomes.length >= 2)
    for (const o of outcomes) t.equal(o.status, "passed", `${o.name}: ${o.figures}`)
  })
}
