// version and curveKeypair of the 5.x API.
import { curveKeyPair } from "../../index.js"

/** The libzmq version whose wire protocol (ZMTP 3.1) and behaviour this package follows. */
export const version = "4.3.5"

/** A new CURVE key pair as Z85 text, named as in the 5.x API. */
export function curveKeypair(): { public: string; secret: string } {
  const { publicKey, secretKey } = curveKeyPair()
  return { public: publicKey, secret: secretKey }
}
