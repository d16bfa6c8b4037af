// A progress bar on stderr for long runs (bench), drawn only when stderr is a terminal and at
// most ten times a second, so pipes and logs never see control characters.
const WIDTH = 30

export class Progress {
  private last = 0
  private readonly enabled: boolean

  constructor(private readonly total: number, private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = stream.isTTY === true && total > 0
  }

  update(done: number): void {
    if (!this.enabled) return
    const now = Date.now()
    if (now - this.last < 100 && done < this.total) return
    this.last = now
    this.stream.write(`\r${bar(done, this.total, this.label)}`)
  }

  /** Erases the bar. */
  done(): void {
    if (this.enabled) this.stream.write(`\r${" ".repeat(WIDTH + this.label.length + 40)}\r`)
  }
}

/** "label [#########.........] 30% 3000/10000": pure, for tests. */
export function bar(done: number, total: number, label: string): string {
  const share = total === 0 ? 1 : Math.min(1, done / total)
  const filled = Math.round(share * WIDTH)
  return `${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${Math.floor(share * 100)}% ${done}/${total}`
}
