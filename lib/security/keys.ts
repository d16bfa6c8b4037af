// CURVE key pairs as zeromq.js gives them: Z85 text, 40 characters per 32-octet key.
import { keyPair } from "./nacl.js"
import { z85Encode } from "./z85.js"

export interface CurveKeyPair {
  publicKey: string
  secretKey: string
}

/** A new long-term CURVE key pair (zeromq.js `curveKeyPair()`). */
export function curveKeyPair(): CurveKeyPair {
  const pair = keyPair()
  return { publicKey: z85Encode(pair.publicKey), secretKey: z85Encode(pair.secretKey) }
}
