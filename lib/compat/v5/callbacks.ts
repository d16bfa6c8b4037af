// Application callbacks and listeners of the 5.x API run as the native binding ran them: an
// exception they throw is an uncaught exception of the process, never a rejected promise of ours
// (which would also stop the loop that called them).

export function invoke<A extends unknown[]>(fn: (...args: A) => void, ...args: A): void {
  try {
    fn(...args)
  } catch (error) {
    process.nextTick(() => {
      throw error
    })
  }
}
