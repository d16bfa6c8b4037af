// libsodium (WebAssembly, 190 kB; and sodium-native, a Node addon) is left out of the browser
// bundle: loading it fails, so CURVE stays on tweetnacl, which computes the same boxes.
throw new Error("libsodium is not bundled in the browser build")
