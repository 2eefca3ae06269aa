import type { ConversationStorage } from '../../src/conversations/store/durable-object-store.ts'

/** What one value may take on a SQLite-backed Durable Object. */
export const MAX_VALUE_BYTES = 2 * 1024 * 1024
const MAX_KEY_BYTES = 2048
const MAX_BATCH = 128

/** About what a value takes once serialised (V8: 1 byte per Latin-1 character, else 2). */
export function storedSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength
  const json = JSON.stringify(value) ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the Latin-1 range
  return /^[\u0000-\u00ff]*$/.test(json) ? json.length : json.length * 2
}

/**
 * Durable Object storage's key-value API on a Map, with its limits enforced (value and key size,
 * 128 keys per delete), values cloned in and out like the real storage, keys listed in order.
 * Records every write, for tests that count them.
 */
export class FakeStorage implements ConversationStorage {
  readonly data = new Map<string, unknown>()
  readonly puts: string[] = []
  readonly deletes: string[] = []

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const value = this.data.get(key)
    return value === undefined ? undefined : (structuredClone(value) as T)
  }

  async put<T>(key: string, value: T): Promise<void> {
    if (new TextEncoder().encode(key).byteLength > MAX_KEY_BYTES) throw new Error(`key too long: ${key.slice(0, 80)}…`)
    const size = storedSize(value)
    if (size > MAX_VALUE_BYTES) throw new Error(`value of ${key} is ${size} bytes, above ${MAX_VALUE_BYTES}`)
    this.puts.push(key)
    this.data.set(key, structuredClone(value))
  }

  async delete(keys: string[]): Promise<number> {
    if (keys.length > MAX_BATCH) throw new Error(`delete of ${keys.length} keys, above ${MAX_BATCH}`)
    let n = 0
    for (const key of keys) {
      this.deletes.push(key)
      if (this.data.delete(key)) n++
    }
    return n
  }

  async list<T = unknown>(options: { prefix: string; startAfter?: string; limit?: number }): Promise<Map<string, T>> {
    const keys = [...this.data.keys()]
      .filter((k) => k.startsWith(options.prefix) && (options.startAfter === undefined || k > options.startAfter))
      .sort()
    const out = new Map<string, T>()
    for (const key of keys.slice(0, options.limit ?? keys.length)) out.set(key, structuredClone(this.data.get(key)) as T)
    return out
  }

  keys(prefix = ''): string[] {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort()
  }
}
