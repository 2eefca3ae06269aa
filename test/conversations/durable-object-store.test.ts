import type Anthropic from '@anthropic-ai/sdk'
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  CHUNK_BYTES,
  type ConversationStorage,
  INLINE_DATA_LIMIT,
  StorageConversationStore,
} from '../../src/conversations/store/durable-object-store.ts'
import type { Conversation } from '../../src/conversations/types.ts'
import { FakeStorage, MAX_VALUE_BYTES, storedSize } from './fake-storage.ts'
import { type Clock, conversation, conversationStoreBehaviour, T0, TTL } from './store-behaviour.ts'

conversationStoreBehaviour(
  'Durable Object storage',
  (clock) => new StorageConversationStore(new FakeStorage(), { ttlMs: TTL, now: () => clock.now }),
)

// Compile-time: the real storage of a Durable Object fits the interface the store takes.
const _fits: (storage: DurableObjectStorage) => ConversationStorage = (storage) => storage

/** `length` characters of base64 alphabet from a seeded generator: unique content, no repeats to hide a lost chunk. */
function base64Data(length: number, seed = 1): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const parts: string[] = []
  let x = seed >>> 0 || 1
  let chunk = ''
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    chunk += alphabet[(x >>> 0) & 63]
    if (chunk.length === 65_536) {
      parts.push(chunk)
      chunk = ''
    }
  }
  parts.push(chunk)
  return parts.join('')
}

const image = (data: string): Anthropic.ImageBlockParam => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data } })

function setup() {
  const clock: Clock = { now: T0 }
  const storage = new FakeStorage()
  const store = new StorageConversationStore(storage, { ttlMs: TTL, now: () => clock.now })
  return { clock, storage, store }
}

const c0 = (owner: string, id: string) => `conv:${encodeURIComponent(owner)}:${encodeURIComponent(id)}`

describe('conversations in Durable Object storage: large content by reference', () => {
  it('round-trips a conversation with a 5 MB image intact, in chunks of at most 1 MiB, every value under 2 MB', async () => {
    const { storage, store } = setup()
    const data = base64Data(5_000_000)
    const c = conversation('key:a', 'big-image', T0, [
      { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, image(data)] },
      { role: 'assistant', content: [{ type: 'text', text: 'A very large picture.' }] },
    ])
    await store.put(c)

    const chunkKeys = storage.keys(`${c0('key:a', 'big-image')}:b:`)
    expect(chunkKeys).toHaveLength(Math.ceil(5_000_000 / CHUNK_BYTES)) // 5
    for (const key of chunkKeys) expect((storage.data.get(key) as Uint8Array).byteLength).toBeLessThanOrEqual(CHUNK_BYTES)
    const joined = chunkKeys.map((k) => new TextDecoder().decode(storage.data.get(k) as Uint8Array)).join('')
    expect(joined === data).toBe(true)
    for (const [key, value] of storage.data) expect(storedSize(value), key).toBeLessThanOrEqual(MAX_VALUE_BYTES)
    // The message row holds a reference, not the data.
    expect(storedSize(storage.data.get(`${c0('key:a', 'big-image')}:m:000000`))).toBeLessThan(1024)

    const back = await store.get('key:a', 'big-image')
    expect(back).toEqual(c)
    const block = (back!.messages[0]!.content as Anthropic.ContentBlockParam[])[1] as Anthropic.ImageBlockParam
    expect((block.source as Anthropic.Base64ImageSource).data === data).toBe(true)
  })

  it('stores an image once per conversation, and a later turn rewrites neither it nor the unchanged rows', async () => {
    const { clock, storage, store } = setup()
    const data = base64Data(3 * CHUNK_BYTES + 10, 7)
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: [image(data), { type: 'text', text: 'Describe it.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'crop', input: { x: 1 } }] },
      // The same picture again, inside a tool result.
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [image(data)] }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Cropped.' }] },
    ]
    const first = conversation('key:a', 'dedupe-1', T0, messages)
    await store.put(first)
    const prefix = `${c0('key:a', 'dedupe-1')}:b:`
    expect(storage.keys(prefix)).toHaveLength(4)
    expect(storage.puts.filter((k) => k.startsWith(prefix))).toHaveLength(4)

    clock.now += 1000
    const second: Conversation = {
      ...first,
      updatedAt: clock.now,
      messages: [...messages, { role: 'user', content: 'Thanks' }, { role: 'assistant', content: 'You are welcome.' }],
    }
    const before = storage.puts.length
    await store.put(second)
    const written = storage.puts.slice(before)
    expect(written.filter((k) => k.startsWith(prefix))).toEqual([])
    expect(written.filter((k) => k.includes(':m:'))).toEqual([`${c0('key:a', 'dedupe-1')}:m:000004`, `${c0('key:a', 'dedupe-1')}:m:000005`])
    expect(await store.get('key:a', 'dedupe-1')).toEqual(second)
  })

  it('keeps only what is referenced: pruning away the message with an image deletes its chunks and the dropped rows', async () => {
    const { clock, storage, store } = setup()
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'first turn' }]
    for (let i = 1; i < 10; i++) {
      messages.push(
        i % 2
          ? { role: 'assistant', content: `answer ${i}` }
          : { role: 'user', content: i === 2 ? [image(base64Data(INLINE_DATA_LIMIT + 1, 3))] : `question ${i}` },
      )
    }
    const full = conversation('key:a', 'prunable', T0, messages)
    await store.put(full)
    const c = c0('key:a', 'prunable')
    expect(storage.keys(`${c}:m:`)).toHaveLength(10)
    expect(storage.keys(`${c}:b:`)).toHaveLength(1)

    clock.now += 1
    const pruned: Conversation = { ...full, updatedAt: clock.now, messages: [messages[0]!, ...messages.slice(5)] }
    await store.put(pruned)
    expect(storage.keys(`${c}:m:`)).toHaveLength(6)
    expect(storage.keys(`${c}:b:`)).toEqual([])
    expect(storage.keys('convs:')).toHaveLength(1) // the index entry moved, the old one is gone
    expect(await store.get('key:a', 'prunable')).toEqual(pruned)
  })

  it('stores a row that is still too large by reference (40 images of 60 KiB each), and gives it back', async () => {
    const { storage, store } = setup()
    const images = Array.from({ length: 40 }, (_, i) => image(base64Data(60 * 1024, i + 11)))
    const c = conversation('key:a', 'many-images', T0, [
      { role: 'user', content: [...images, { type: 'text', text: 'Which one is different?' }] },
      { role: 'assistant', content: 'The twelfth.' },
    ])
    await store.put(c)
    for (const [key, value] of storage.data) expect(storedSize(value), key).toBeLessThanOrEqual(MAX_VALUE_BYTES)
    expect(storage.data.get(`${c0('key:a', 'many-images')}:m:000000`)).toMatchObject({ $blob: expect.any(String) })
    expect(await store.get('key:a', 'many-images')).toEqual(c)
  })

  it('round-trips 1.5 million characters of non-Latin text, PDFs and text documents over 64 KiB', async () => {
    const { storage, store } = setup()
    const text = 'é漢字🎉'.repeat(300_000)
    const pdf = base64Data(200_000, 5)
    const doc = 'plain text document ✓ '.repeat(5000)
    const c = conversation('key:a', 'documents', T0, [
      {
        role: 'user',
        content: [
          { type: 'text', text },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf }, title: 'report.pdf' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: doc } },
        ],
      },
      { role: 'assistant', content: 'Read.' },
    ])
    await store.put(c)
    for (const [key, value] of storage.data) expect(storedSize(value), key).toBeLessThanOrEqual(MAX_VALUE_BYTES)
    expect(await store.get('key:a', 'documents')).toEqual(c)
  })

  it('leaves tool input alone even when it looks like a reference', async () => {
    const { store } = setup()
    const input = { source: { data: { $blob: 'deadbeef', bytes: 3, chunks: 1 } }, type: 'image' }
    const c = conversation('key:a', 'lookalike', T0, [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'echo', input }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: JSON.stringify(input) }] },
    ])
    await store.put(c)
    expect(await store.get('key:a', 'lookalike')).toEqual(c)
  })
})

describe('conversations in Durable Object storage: keys, expiry, concurrency', () => {
  it('delete removes every key of the conversation and nothing else', async () => {
    const { storage, store } = setup()
    await store.put(conversation('key:a', 'keep-me-1', T0))
    const keep = storage.keys()
    await store.put(conversation('key:a', 'delete-me', T0 + 1, [{ role: 'user', content: [image(base64Data(2 * CHUNK_BYTES, 9))] }]))
    expect(storage.keys().length).toBeGreaterThan(keep.length + 3)
    expect(await store.delete('key:a', 'delete-me')).toBe(true)
    expect(storage.keys()).toEqual(keep)
  })

  it('deletes the rows of an expired conversation when get or list meets it', async () => {
    const { clock, storage, store } = setup()
    await store.put(conversation('key:a', 'expires-1', T0, [{ role: 'user', content: [image(base64Data(CHUNK_BYTES + 1, 4))] }]))
    await store.put(conversation('key:a', 'expires-2', T0))
    await store.put(conversation('key:a', 'fresh-one', T0 + TTL))
    clock.now = T0 + TTL
    expect(await store.get('key:a', 'expires-1')).toBeUndefined()
    expect(storage.keys(c0('key:a', 'expires-1'))).toEqual([])
    expect(storage.keys(c0('key:a', 'expires-2'))).not.toEqual([])
    expect((await store.list('key:a', { limit: 10 })).conversations.map((s) => s.id)).toEqual(['fresh-one'])
    expect(storage.keys(c0('key:a', 'expires-2'))).toEqual([])
    expect(storage.keys('convs:')).toHaveLength(1)
  })

  it('serialises concurrent puts of one conversation: the last one wins whole', async () => {
    const { storage, store } = setup()
    const base = conversation('key:a', 'racing-1', T0)
    const longer: Conversation = {
      ...base,
      updatedAt: T0 + 5,
      messages: [...base.messages, { role: 'user', content: [image(base64Data(CHUNK_BYTES, 2))] }, { role: 'assistant', content: 'ok' }],
    }
    const shorter: Conversation = { ...base, updatedAt: T0 + 6, messages: base.messages.slice(0, 1) }
    await Promise.all([store.put(longer), store.put(shorter), store.put(longer)])
    expect(await store.get('key:a', 'racing-1')).toEqual(longer)
    await Promise.all([store.put(longer), store.put(shorter)])
    expect(await store.get('key:a', 'racing-1')).toEqual(shorter)
    expect(storage.keys(`${c0('key:a', 'racing-1')}:m:`)).toHaveLength(1)
    expect(storage.keys(`${c0('key:a', 'racing-1')}:b:`)).toEqual([])
    expect(storage.keys('convs:')).toHaveLength(1)
  })

  it('refuses a TTL that is not positive', () => {
    expect(() => new StorageConversationStore(new FakeStorage(), { ttlMs: 0 })).toThrow(RangeError)
  })
})

describe('conversations in Durable Object storage: on a real SQLite-backed object', () => {
  /** A fresh object of the Worker's conversation class (wrangler.toml), used for its storage only. */
  const freshObject = () => {
    const namespace = (env as unknown as { CONVERSATIONS: DurableObjectNamespace }).CONVERSATIONS
    return namespace.get(namespace.idFromName(`store-test:${crypto.randomUUID()}`))
  }

  it('round-trips a 5 MB image and pages the owner index in its storage', async () => {
    const data = base64Data(5_000_000, 21)
    const c = conversation('key:a', 'real-storage', T0, [
      { role: 'user', content: [{ type: 'text', text: 'Look' }, image(data)] },
      { role: 'assistant', content: 'Seen.' },
    ])
    await runInDurableObject(freshObject(), async (_instance, state) => {
      const clock: Clock = { now: T0 }
      const store = new StorageConversationStore(state.storage, { ttlMs: TTL, now: () => clock.now })
      await store.put(c)
      const back = await store.get('key:a', 'real-storage')
      expect(back).toEqual(c)
      const chunks = await state.storage.list<Uint8Array>({ prefix: `${c0('key:a', 'real-storage')}:b:` })
      expect([...chunks.values()].map((v) => v.byteLength)).toEqual([
        CHUNK_BYTES,
        CHUNK_BYTES,
        CHUNK_BYTES,
        CHUNK_BYTES,
        5_000_000 - 4 * CHUNK_BYTES,
      ])
      for (let i = 0; i < 5; i++) await store.put(conversation('key:a', `more-${i}-xyz`, T0 + 1 + i))
      const first = await store.list('key:a', { limit: 4 })
      const second = await store.list('key:a', { limit: 4, cursor: first.nextCursor! })
      expect([...first.conversations, ...second.conversations].map((s) => s.id)).toEqual([
        'more-4-xyz',
        'more-3-xyz',
        'more-2-xyz',
        'more-1-xyz',
        'more-0-xyz',
        'real-storage',
      ])
      expect(await store.delete('key:a', 'real-storage')).toBe(true)
      expect((await state.storage.list({ prefix: c0('key:a', 'real-storage') })).size).toBe(0)
    })
  })
})
