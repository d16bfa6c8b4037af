// The shared transport conformance suite, for inproc://
import t from "tap"
import { declareTransportTests } from "./conformance.js"

declareTransportTests(t, "inproc")
