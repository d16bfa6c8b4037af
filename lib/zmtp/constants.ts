// ZMTP 3.x wire constants (RFC 23 / RFC 37). Pure data, imported by the codec only.

/** Frame flag bits (RFC 37 "Framing"): bits 3-7 are reserved and ignored on receive, as libzmq does. */
export const FLAG_MORE = 0x01
export const FLAG_LONG = 0x02
export const FLAG_COMMAND = 0x04

/** Bodies up to this size use the 1-octet size form; larger ones the 8-octet form (libzmq encoder). */
export const MAX_SHORT_SIZE = 255

/** Greeting (RFC 37 "Greeting"): 64 octets; signature 0xFF ... 0x7F, then version and mechanism. */
export const GREETING_SIZE = 64
export const SIGNATURE_START = 0xff
export const SIGNATURE_END = 0x7f
export const VERSION_MAJOR = 3
export const VERSION_MINOR = 1
export const MECHANISM_OFFSET = 12
export const MECHANISM_SIZE = 20
export const AS_SERVER_OFFSET = 32

/** Commands we send or understand (names are length-prefixed, case-sensitive like libzmq). */
export const COMMAND = {
  READY: "READY",
  ERROR: "ERROR",
  SUBSCRIBE: "SUBSCRIBE",
  CANCEL: "CANCEL",
  PING: "PING",
  PONG: "PONG",
  JOIN: "JOIN",
  LEAVE: "LEAVE",
} as const

/** libzmq's ZMQ_GROUP_MAX_LENGTH: a RADIO/DISH group (JOIN/LEAVE, udp datagrams) is at most this long. */
export const GROUP_MAX_LENGTH = 255

/** RFC 37 "Heartbeats": at most 16 octets of PING context are echoed. */
export const MAX_PING_CONTEXT = 16

/** Bounds on what a peer may announce in READY, checked before anything is kept. */
export const MAX_METADATA_PROPERTIES = 64
export const MAX_IDENTITY_SIZE = 255
