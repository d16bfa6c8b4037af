// libzmq's numeric socket option ids (zmq.h ZMQ_*), mapped onto this package's option names, for
// the binding-level calls zeromq.js code makes: getInt32Option(19), setBoolOption(39, true), ...
// Socket type numbers too (zmq.h ZMQ_PAIR .. ZMQ_DGRAM). Data only: no behaviour here.

/** The C type libzmq gives an option; decides which get*Option/set*Option reads it. */
export type OptionIdType = "bool" | "int32" | "uint32" | "int64" | "uint64" | "string"

/** id -> [option name, libzmq type]. */
export const OPTION_IDS: ReadonlyMap<number, readonly [string, OptionIdType]> = new Map([
  [4, ["affinity", "uint64"]],
  [5, ["routingId", "string"]],
  [8, ["rate", "int32"]],
  [9, ["recoveryInterval", "int32"]],
  [11, ["sendBufferSize", "int32"]],
  [12, ["receiveBufferSize", "int32"]],
  [16, ["type", "int32"]],
  [17, ["linger", "int32"]],
  [18, ["reconnectInterval", "int32"]],
  [19, ["backlog", "int32"]],
  [21, ["reconnectMaxInterval", "int32"]],
  [22, ["maxMessageSize", "int64"]],
  [23, ["sendHighWaterMark", "int32"]],
  [24, ["receiveHighWaterMark", "int32"]],
  [25, ["multicastHops", "int32"]],
  [27, ["receiveTimeout", "int32"]],
  [28, ["sendTimeout", "int32"]],
  [32, ["lastEndpoint", "string"]],
  [33, ["mandatory", "bool"]],
  [34, ["tcpKeepalive", "int32"]],
  [35, ["tcpKeepaliveCount", "int32"]],
  [36, ["tcpKeepaliveIdle", "int32"]],
  [37, ["tcpKeepaliveInterval", "int32"]],
  [38, ["tcpAcceptFilter", "string"]],
  [39, ["immediate", "bool"]],
  [42, ["ipv6", "bool"]],
  [43, ["securityMechanism", "int32"]],
  [44, ["plainServer", "bool"]],
  [45, ["plainUsername", "string"]],
  [46, ["plainPassword", "string"]],
  [47, ["curveServer", "bool"]],
  [48, ["curvePublicKey", "string"]],
  [49, ["curveSecretKey", "string"]],
  [50, ["curveServerKey", "string"]],
  [51, ["probeRouter", "bool"]],
  [52, ["correlate", "bool"]],
  [53, ["relaxed", "bool"]],
  [54, ["conflate", "bool"]],
  [55, ["zapDomain", "string"]],
  [56, ["handover", "bool"]],
  [57, ["typeOfService", "uint32"]],
  [66, ["handshakeInterval", "int32"]],
  [68, ["socksProxy", "string"]],
  [69, ["noDrop", "bool"]],
  [71, ["manual", "bool"]],
  [72, ["welcomeMessage", "string"]],
  [73, ["notify", "bool"]],
  [74, ["invertMatching", "bool"]],
  [75, ["heartbeatInterval", "int32"]],
  [76, ["heartbeatTimeToLive", "int32"]],
  [77, ["heartbeatTimeout", "int32"]],
  [79, ["connectTimeout", "int32"]],
  [80, ["tcpMaxRetransmitTimeout", "int32"]],
  [81, ["threadSafe", "bool"]],
  [84, ["multicastMaxTransportDataUnit", "int32"]],
  [92, ["interface", "string"]],
  [93, ["zapEnforceDomain", "bool"]],
  [94, ["loopbackFastPath", "bool"]],
] as const)

/** libzmq's socket type numbers -> our socket type names. */
export const SOCKET_TYPE_IDS: ReadonlyMap<number, string> = new Map([
  [0, "PAIR"], [1, "PUB"], [2, "SUB"], [3, "REQ"], [4, "REP"], [5, "DEALER"], [6, "ROUTER"], [7, "PULL"],
  [8, "PUSH"], [9, "XPUB"], [10, "XSUB"], [12, "SERVER"], [13, "CLIENT"], [14, "RADIO"], [15, "DISH"],
  [11, "STREAM"], [16, "GATHER"], [17, "SCATTER"], [18, "DGRAM"],
])

/** ZMQ_MECHANISM's numbers (ZMQ_NULL, ZMQ_PLAIN, ZMQ_CURVE). */
export const MECHANISM_IDS = { null: 0, plain: 1, curve: 2 } as const
