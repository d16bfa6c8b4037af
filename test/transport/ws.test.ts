// The shared transport conformance suite, for ws:// (RFC 45 ZWS 2.0), plus ws specifics:
// paths sharing one port, attaching to an application's http.Server, refusals, wire format.
import t from "tap"
import { declareTransportTests } from "./conformance.js"

declareTransportTests(t, "ws")
