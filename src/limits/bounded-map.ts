/**
 * A Map that never holds more than `maxEntries`: the least recently used entry goes first, and
 * entries past their expiry are treated as absent. For per-isolate state that must not grow forever.
 *
 * Entries for which `pinned(value)` is true are never evicted (they expire as usual): the memory
 * limits store pins day counters that hold or record money, because forgetting them would let a
 * budget be spent twice. Only such entries can take the map past `maxEntries`.
 */
export class BoundedMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>()
  readonly maxEntries: number
  readonly #pinned: (value: V) => boolean

  constructor(maxEntries: number, pinned: (value: V) => boolean = () => false) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1')
    this.maxEntries = maxEntries
    this.#pinned = pinned
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    this.#entries.delete(key)
    if (entry.expiresAt <= now) return undefined
    this.#entries.set(key, entry)
    return entry.value
  }

  /** `now` lets eviction drop expired pinned entries too. */
  set(key: string, value: V, expiresAt: number, now = Number.NEGATIVE_INFINITY): void {
    this.#entries.delete(key)
    this.#entries.set(key, { value, expiresAt })
    if (this.#entries.size <= this.maxEntries) return
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries) break
      if (entry.expiresAt <= now || !this.#pinned(entry.value)) this.#entries.delete(oldest)
    }
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }
}
