// The message formats of the command line (frames.ts implements them), kept apart so that
// option parsing and --help do not load the codecs.
export const FORMATS = ["text", "quoted", "hex", "json", "msgpack"] as const
export type Format = (typeof FORMATS)[number]
