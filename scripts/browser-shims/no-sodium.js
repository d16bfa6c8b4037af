// libsodium (WebAssembly, 190 kB) is left out of the browser bundle: loading it fails, so
// CURVE stays on tweetnacl, which computes the same boxes.
throw new Error("libsodium is not bundled in the browser build")
