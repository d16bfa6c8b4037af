// The numeric constants of the zeromq 5.x API (libzmq's zmq.h values, as `zmq` and zeromq.js's
// v5-compat export them), plus the name tables `types` and `options` old code reads.

/** Socket types by their 5.x names (libzmq ZMQ_* numbers). */
export const types = {
  pair: 0, pub: 1, sub: 2, req: 3, rep: 4, dealer: 5, xreq: 5, router: 6, xrep: 6,
  pull: 7, push: 8, xpub: 9, xsub: 10, stream: 11,
} as const

export type SocketTypeName = keyof typeof types

export const ZMQ_PAIR = 0
export const ZMQ_PUB = 1
export const ZMQ_SUB = 2
export const ZMQ_REQ = 3
export const ZMQ_REP = 4
export const ZMQ_DEALER = 5
export const ZMQ_XREQ = 5
export const ZMQ_ROUTER = 6
export const ZMQ_XREP = 6
export const ZMQ_PULL = 7
export const ZMQ_PUSH = 8
export const ZMQ_XPUB = 9
export const ZMQ_XSUB = 10
export const ZMQ_STREAM = 11

// Socket option ids (zmq_setsockopt/zmq_getsockopt).
export const ZMQ_AFFINITY = 4
export const ZMQ_IDENTITY = 5
export const ZMQ_ROUTING_ID = 5
export const ZMQ_SUBSCRIBE = 6
export const ZMQ_UNSUBSCRIBE = 7
export const ZMQ_RATE = 8
export const ZMQ_RECOVERY_IVL = 9
/** 5.x exported this name with the value of ZMQ_RECOVERY_IVL (milliseconds since libzmq 3). */
export const ZMQ_RECOVERY_IVL_MSEC = 9
export const ZMQ_SNDBUF = 11
export const ZMQ_RCVBUF = 12
export const ZMQ_RCVMORE = 13
export const ZMQ_FD = 14
export const ZMQ_EVENTS = 15
export const ZMQ_TYPE = 16
export const ZMQ_LINGER = 17
export const ZMQ_RECONNECT_IVL = 18
export const ZMQ_BACKLOG = 19
export const ZMQ_RECONNECT_IVL_MAX = 21
export const ZMQ_MAXMSGSIZE = 22
export const ZMQ_SNDHWM = 23
export const ZMQ_RCVHWM = 24
export const ZMQ_MULTICAST_HOPS = 25
export const ZMQ_RCVTIMEO = 27
export const ZMQ_SNDTIMEO = 28
export const ZMQ_IPV4ONLY = 31
export const ZMQ_LAST_ENDPOINT = 32
export const ZMQ_ROUTER_MANDATORY = 33
export const ZMQ_TCP_KEEPALIVE = 34
export const ZMQ_TCP_KEEPALIVE_CNT = 35
export const ZMQ_TCP_KEEPALIVE_IDLE = 36
export const ZMQ_TCP_KEEPALIVE_INTVL = 37
export const ZMQ_TCP_ACCEPT_FILTER = 38
export const ZMQ_DELAY_ATTACH_ON_CONNECT = 39
export const ZMQ_IMMEDIATE = 39
export const ZMQ_XPUB_VERBOSE = 40
export const ZMQ_ROUTER_RAW = 41
export const ZMQ_IPV6 = 42
export const ZMQ_MECHANISM = 43
export const ZMQ_PLAIN_SERVER = 44
export const ZMQ_PLAIN_USERNAME = 45
export const ZMQ_PLAIN_PASSWORD = 46
export const ZMQ_CURVE_SERVER = 47
export const ZMQ_CURVE_PUBLICKEY = 48
export const ZMQ_CURVE_SECRETKEY = 49
export const ZMQ_CURVE_SERVERKEY = 50
export const ZMQ_PROBE_ROUTER = 51
export const ZMQ_REQ_CORRELATE = 52
export const ZMQ_REQ_RELAXED = 53
export const ZMQ_CONFLATE = 54
export const ZMQ_ZAP_DOMAIN = 55
export const ZMQ_ROUTER_HANDOVER = 56
export const ZMQ_HANDSHAKE_IVL = 66
export const ZMQ_XPUB_NODROP = 69
export const ZMQ_XPUB_MANUAL = 71
export const ZMQ_XPUB_WELCOME_MSG = 72
export const ZMQ_INVERT_MATCHING = 74
export const ZMQ_HEARTBEAT_IVL = 75
export const ZMQ_HEARTBEAT_TTL = 76
export const ZMQ_HEARTBEAT_TIMEOUT = 77
export const ZMQ_XPUB_VERBOSER = 78
export const ZMQ_CONNECT_TIMEOUT = 79

// Context options.
export const ZMQ_IO_THREADS = 1
export const ZMQ_MAX_SOCKETS = 2

// Poll states (ZMQ_EVENTS bits) and send flags.
export const ZMQ_POLLIN = 1
export const ZMQ_POLLOUT = 2
export const ZMQ_POLLERR = 4
export const ZMQ_SNDMORE = 2
/** Accepted and ignored: sends never block the caller in this API (they queue). */
export const ZMQ_DONTWAIT = 1

// Capabilities of the 5.x binding (all present here).
export const ZMQ_CAN_MONITOR = 1
export const ZMQ_CAN_DISCONNECT = 1
export const ZMQ_CAN_UNBIND = 1
export const ZMQ_CAN_SET_CTX = 1

// Socket states of the 5.x binding.
export const STATE_READY = 0
export const STATE_BUSY = 1
export const STATE_CLOSED = 2
