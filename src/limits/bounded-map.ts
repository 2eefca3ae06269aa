/**
 * A Map that never holds more than `maxEntries`: the least recently used entry goes first, and
 * entries past their expiry are treated as absent. For per-isolate state that must not grow forever.
 */
export class BoundedMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>()
  readonly maxEntries: number

  constructor(maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1')
    this.maxEntries = maxEntries
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

  set(key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key)
    this.#entries.set(key, { value, expiresAt })
    while (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!)
    }
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }
}
