/** The timers a `FrameScheduler` uses (the window's by default; tests pass fakes). */
export interface FrameHost {
  requestAnimationFrame?(callback: () => void): number
  cancelAnimationFrame?(handle: number): void
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: never): void
}

/**
 * Runs `task` at most once per animation frame however often `request()` is called: a reply's
 * deltas (often hundreds a second) are rendered together. A hidden page runs no animation frames,
 * so a timer (`fallbackMs`) runs the task there instead; whichever comes first wins.
 */
export class FrameScheduler {
  private frame: number | undefined
  private timer: unknown
  private pending = false

  constructor(
    private readonly task: () => void,
    private readonly host: FrameHost = globalThis as unknown as FrameHost,
    private readonly fallbackMs = 250,
  ) {}

  request(): void {
    if (this.pending) return
    this.pending = true
    const run = () => this.flush()
    if (this.host.requestAnimationFrame) this.frame = this.host.requestAnimationFrame(run)
    this.timer = this.host.setTimeout(run, this.fallbackMs)
  }

  /** Runs the task now if one is requested (e.g. when the reply ends). */
  flush(): void {
    if (!this.pending) return
    this.cancel()
    this.task()
  }

  cancel(): void {
    this.pending = false
    if (this.frame !== undefined) this.host.cancelAnimationFrame?.(this.frame)
    this.host.clearTimeout(this.timer as never)
    this.frame = undefined
  }
}
