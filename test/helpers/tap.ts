// The type of the `t` a test callback receives (tap's overloads make it awkward to spell).
import type t from "tap"

export type TestCase = Parameters<Parameters<typeof t.test>[0]>[0]
