import t from "tap"
import { isCompatible } from "../../lib/zmtp/compat.js"
t.test("compat", async (t) => { t.ok(isCompatible("PUSH", "PULL")); t.notOk(isCompatible("PUSH", "PUSH")) })
t.test("two", async (t) => { t.equal(1, 1) })
