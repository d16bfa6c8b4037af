// Options that change existing connections when set on a live socket: the high-water marks
// apply to every pipe at once (libzmq >= 4.2 pipe_t::set_hwms), not only to the next connect.

/** What a socket offers this file: re-apply its high-water marks to its pipes. */
export interface LiveOptionsHost {
  applyHighWaterMarks(): void
}

/** Wraps the sendHighWaterMark/receiveHighWaterMark setters (installed by options.ts) once. */
export function installLiveOptions(prototype: object): void {
  for (const name of ["sendHighWaterMark", "receiveHighWaterMark"]) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)
    const set = descriptor?.set
    if (descriptor === undefined || set === undefined) continue
    Object.defineProperty(prototype, name, {
      ...descriptor,
      set(this: LiveOptionsHost, value: unknown) {
        set.call(this, value)
        this.applyHighWaterMarks()
      },
    })
  }
}
