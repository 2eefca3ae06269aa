/** A request's place in its line. */
export interface Place {
  /** Requests ahead of it (0: at the head; -1 once it left). */
  readonly ahead: number
  /** Gives up the place (idempotent); the next request becomes the head. */
  leave(): void
}

/**
 * One line per (group, caller) in this isolate: only its head asks the store for a slot, so a
 * caller with many requests waiting costs one store call per slot, not one per request, and never
 * polls. The others wait here without timers.
 */
export class Lines {
  readonly #lines = new Map<string, Array<{ turn: () => void }>>()

  /** Requests in `key`'s line (waiting or at its head). */
  length(key: string): number {
    return this.#lines.get(key)?.length ?? 0
  }

  /** Joins the end of `key`'s line at once; `atHead` resolves when every request ahead of it has left. */
  enter(key: string): Place & { atHead: Promise<void> } {
    let line = this.#lines.get(key)
    if (!line) this.#lines.set(key, (line = []))
    const waiting = line
    let turn!: () => void
    const atHead = new Promise<void>((resolve) => (turn = resolve))
    const me = { turn }
    waiting.push(me)
    if (waiting.length === 1) turn()
    return {
      atHead,
      get ahead() {
        return waiting.indexOf(me)
      },
      leave: () => {
        const at = waiting.indexOf(me)
        if (at < 0) return
        waiting.splice(at, 1)
        if (at === 0) waiting[0]?.turn()
        if (!waiting.length && this.#lines.get(key) === waiting) this.#lines.delete(key)
      },
    }
  }
}
