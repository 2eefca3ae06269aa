import type Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../src/errors.ts'
import type { Conversation, ConversationStore, ConversationSummary } from '../../src/conversations/types.ts'

export const TTL = 60_000
/** An arbitrary fixed start for the injected clock: nothing here reads the real date. */
export const T0 = 1_000_000_000_000

export interface Clock {
  now: number
}

/** A fresh store (its own key space) on the given clock. */
export type MakeStore = (clock: Clock) => ConversationStore

export function conversation(owner: string, id: string, at: number, messages?: Anthropic.MessageParam[]): Conversation {
  return {
    id,
    owner,
    createdAt: at,
    updatedAt: at,
    title: `Title of ${id}`,
    messages: messages ?? [
      { role: 'user', content: [{ type: 'text', text: `Hello from ${id}` }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hi!' }] },
    ],
  }
}

/** Every page of an owner's list. */
export async function listAll(store: ConversationStore, owner: string, limit: number): Promise<ConversationSummary[][]> {
  const pages: ConversationSummary[][] = []
  let cursor: string | undefined
  do {
    const page = await store.list(owner, { limit, ...(cursor !== undefined && { cursor }) })
    pages.push(page.conversations)
    cursor = page.nextCursor
    if (pages.length > 50) throw new Error('list does not end')
  } while (cursor !== undefined)
  return pages
}

/**
 * What every `ConversationStore` does, whatever holds the data. Run by redis-store.test.ts
 * (Upstash bridge in front of a real redis-server) and durable-object-store.test.ts.
 */
export function conversationStoreBehaviour(name: string, make: MakeStore) {
  const setup = () => {
    const clock: Clock = { now: T0 }
    return { clock, store: make(clock) }
  }

  describe(`conversations on ${name}: the ConversationStore contract`, () => {
    it('gives back what was put, byte for byte, and undefined for what was not', async () => {
      const { store } = setup()
      expect(await store.get('key:a', 'conv-0001')).toBeUndefined()
      const c = conversation('key:a', 'conv-0001', T0, [
        { role: 'user', content: 'plain string content, ünïcödé 🎉' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me compute.' },
            { type: 'tool_use', id: 'toolu_1', name: 'calculator', input: { expression: '6*7', nested: { a: [1, null, true] } } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '42' }] },
        { role: 'assistant', content: [{ type: 'text', text: '42.' }] },
      ])
      await store.put(c)
      const back = await store.get('key:a', 'conv-0001')
      expect(back).toEqual(c)
      expect(JSON.stringify(back)).toBe(JSON.stringify(c))
    })

    it('replaces on put, and lists the summary of the latest version', async () => {
      const { clock, store } = setup()
      const c = conversation('key:a', 'conv-0001', T0)
      await store.put(c)
      clock.now += 1000
      const longer: Conversation = {
        ...c,
        updatedAt: clock.now,
        messages: [...c.messages, { role: 'user', content: 'more' }, { role: 'assistant', content: 'ok' }],
      }
      await store.put(longer)
      expect(await store.get('key:a', 'conv-0001')).toEqual(longer)
      expect(await store.list('key:a', { limit: 10 })).toEqual({
        conversations: [{ id: 'conv-0001', title: 'Title of conv-0001', createdAt: T0, updatedAt: T0 + 1000, messageCount: 4 }],
      })
    })

    it('keeps owners apart: another owner gets nothing, lists nothing and deletes nothing', async () => {
      const { store } = setup()
      await store.put(conversation('key:a', 'shared-id-1', T0))
      expect(await store.get('key:b', 'shared-id-1')).toBeUndefined()
      expect(await store.list('key:b', { limit: 10 })).toEqual({ conversations: [] })
      expect(await store.delete('key:b', 'shared-id-1')).toBe(false)
      expect(await store.get('key:a', 'shared-id-1')).toBeDefined()
      // The same id under another owner is another conversation.
      await store.put({ ...conversation('key:b', 'shared-id-1', T0), title: 'B' })
      expect((await store.get('key:a', 'shared-id-1'))?.title).toBe('Title of shared-id-1')
      expect((await store.get('key:b', 'shared-id-1'))?.title).toBe('B')
    })

    it('encodes owner and id: separators and escapes in them cannot reach another key space', async () => {
      const { store } = setup()
      // Joined with ":" these two would be the same key, "a:b:c".
      await store.put({ ...conversation('a:b', 'c', T0), title: 'owner a:b' })
      await store.put({ ...conversation('a', 'b:c', T0), title: 'owner a' })
      expect((await store.get('a:b', 'c'))?.title).toBe('owner a:b')
      expect((await store.get('a', 'b:c'))?.title).toBe('owner a')
      // An id holding what an encoding would produce is still its own id.
      await store.put({ ...conversation('a', 'b%3Ac', T0), title: 'percent' })
      expect((await store.get('a', 'b:c'))?.title).toBe('owner a')
      expect((await store.list('a', { limit: 10 })).conversations.map((s) => s.id).sort()).toEqual(['b%3Ac', 'b:c'])
      expect((await store.list('a:b', { limit: 10 })).conversations.map((s) => s.id)).toEqual(['c'])
      // An IPv6 /64 anonymous identity.
      await store.put(conversation('ip:2001:db8:1:2::/64', 'conv_abcdefghijklmnopqrstuw', T0))
      expect(await store.get('ip:2001:db8:1:2::/64', 'conv_abcdefghijklmnopqrstuw')).toBeDefined()
      expect(await store.get('ip:2001:db8:1:2::', '/64:conv_abcdefghijklmnopqrstuw')).toBeUndefined()
    })

    it('lists newest first, in pages, each conversation exactly once', async () => {
      const { clock, store } = setup()
      const ids = Array.from({ length: 7 }, (_, i) => `conv-${String(i).padStart(4, '0')}`)
      for (const id of ids) {
        clock.now += 10
        await store.put(conversation('key:a', id, clock.now))
      }
      const pages = await listAll(store, 'key:a', 3)
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1])
      expect(pages.flat().map((s) => s.id)).toEqual([...ids].reverse())
      const one = await store.list('key:a', { limit: 7 })
      expect(one.conversations).toHaveLength(7)
      expect(one.nextCursor).toBeUndefined()
    })

    it('pages through conversations updated in the same millisecond without losing or repeating one', async () => {
      const { store } = setup()
      const ids = Array.from({ length: 5 }, (_, i) => `same-ms-${i}`)
      for (const id of ids) await store.put(conversation('key:a', id, T0))
      for (const limit of [1, 2, 3]) {
        const pages = await listAll(store, 'key:a', limit)
        expect(
          pages
            .flat()
            .map((s) => s.id)
            .sort(),
        ).toEqual(ids)
      }
    })

    it('keeps the pages below the cursor stable when a conversation already shown moves to the top', async () => {
      const { clock, store } = setup()
      for (let i = 0; i < 6; i++) {
        clock.now += 10
        await store.put(conversation('key:a', `conv-${i}-xyz`, clock.now))
      }
      const first = await store.list('key:a', { limit: 2 })
      expect(first.conversations.map((s) => s.id)).toEqual(['conv-5-xyz', 'conv-4-xyz'])
      clock.now += 10
      await store.put(conversation('key:a', 'conv-4-xyz', clock.now)) // a new turn in a conversation shown
      const second = await store.list('key:a', { limit: 2, cursor: first.nextCursor! })
      expect(second.conversations.map((s) => s.id)).toEqual(['conv-3-xyz', 'conv-2-xyz'])
    })

    it('pages on when the last conversation shown is deleted or updated before the next call', async () => {
      const tied = ['conv-0-abc', 'conv-1-abc', 'conv-2-abc']
      for (const change of ['delete', 'update'] as const) {
        const { store } = setup()
        for (let i = 0; i < 6; i++) await store.put(conversation('key:a', `conv-${i}-abc`, T0 + (i < 3 ? 0 : i)))
        const first = await store.list('key:a', { limit: 4 })
        expect(first.conversations.slice(0, 3).map((s) => s.id)).toEqual(['conv-5-abc', 'conv-4-abc', 'conv-3-abc'])
        const lastShown = first.conversations[3]!.id
        expect(tied).toContain(lastShown)
        if (change === 'delete') await store.delete('key:a', lastShown)
        else await store.put(conversation('key:a', lastShown, T0 + 100))
        const second = await store.list('key:a', { limit: 4, cursor: first.nextCursor! })
        expect(second.nextCursor, change).toBeUndefined()
        expect(second.conversations.map((s) => s.id).sort(), change).toEqual(tied.filter((id) => id !== lastShown))
      }
    })

    it('takes ids made of digits, which a JSON-parsing client could read as numbers', async () => {
      const { store } = setup()
      const ids = ['12345678', '00012345', '12345678901234567890', '1234567800000000000000000', '-1234567']
      for (const [i, id] of ids.entries()) await store.put(conversation('key:a', id, T0 + i))
      for (const id of ids) expect((await store.get('key:a', id))?.id).toBe(id)
      const seen = (await listAll(store, 'key:a', 1)).flat().map((s) => s.id)
      expect(seen).toEqual([...ids].reverse())
      expect(await store.delete('key:a', '12345678901234567890')).toBe(true)
    })

    it('deletes: true once, then false; the conversation is gone from get and list', async () => {
      const { store } = setup()
      await store.put(conversation('key:a', 'conv-0001', T0))
      await store.put(conversation('key:a', 'conv-0002', T0 + 1))
      expect(await store.delete('key:a', 'conv-0001')).toBe(true)
      expect(await store.delete('key:a', 'conv-0001')).toBe(false)
      expect(await store.get('key:a', 'conv-0001')).toBeUndefined()
      expect((await store.list('key:a', { limit: 10 })).conversations.map((s) => s.id)).toEqual(['conv-0002'])
      expect(await store.delete('key:a', 'never-was')).toBe(false)
    })

    it('expires a conversation at updatedAt + TTL for get, list and delete; a put refreshes it', async () => {
      const { clock, store } = setup()
      await store.put(conversation('key:a', 'old-conv', T0))
      clock.now = T0 + TTL / 2
      await store.put(conversation('key:a', 'new-conv', clock.now))
      clock.now = T0 + TTL - 1
      expect(await store.get('key:a', 'old-conv')).toBeDefined()
      expect((await store.list('key:a', { limit: 10 })).conversations.map((s) => s.id)).toEqual(['new-conv', 'old-conv'])
      clock.now = T0 + TTL
      expect(await store.get('key:a', 'old-conv')).toBeUndefined()
      expect((await store.list('key:a', { limit: 10 })).conversations.map((s) => s.id)).toEqual(['new-conv'])
      expect(await store.delete('key:a', 'old-conv')).toBe(false)
      // A new turn refreshes the idle TTL.
      const renewed = conversation('key:a', 'new-conv', T0 + TTL / 2)
      clock.now = T0 + TTL + TTL / 4
      await store.put({ ...renewed, updatedAt: clock.now })
      clock.now = T0 + 2 * TTL
      expect(await store.get('key:a', 'new-conv')).toBeDefined()
      clock.now = T0 + TTL + TTL / 4 + TTL
      expect(await store.get('key:a', 'new-conv')).toBeUndefined()
      expect(await store.list('key:a', { limit: 10 })).toEqual({ conversations: [] })
    })

    it('does not end a page early when older conversations expired', async () => {
      const { clock, store } = setup()
      for (let i = 0; i < 4; i++) await store.put(conversation('key:a', `stale-${i}`, T0 + i))
      clock.now = T0 + TTL / 2
      for (let i = 0; i < 3; i++) await store.put(conversation('key:a', `fresh-${i}`, clock.now + i))
      clock.now = T0 + TTL + 10
      const page = await store.list('key:a', { limit: 2 })
      expect(page.conversations.map((s) => s.id)).toEqual(['fresh-2', 'fresh-1'])
      const rest = await store.list('key:a', { limit: 2, cursor: page.nextCursor! })
      expect(rest).toEqual({ conversations: [expect.objectContaining({ id: 'fresh-0' })] })
    })

    it('answers a cursor it did not write with a 400 invalid_request_error', async () => {
      const { store } = setup()
      for (const cursor of ['not a cursor', 'AAAA', '', btoa('1:2:3:4')]) {
        const error = await store.list('key:a', { limit: 5, cursor }).catch((e: unknown) => e)
        expect(error, cursor).toBeInstanceOf(GatewayError)
        expect((error as GatewayError).type).toBe('invalid_request_error')
        expect((error as GatewayError).status).toBe(400)
      }
    })

    it('takes page sizes from 1 to 100', async () => {
      const { clock, store } = setup()
      for (let i = 0; i < 3; i++) await store.put(conversation('key:a', `conv-000${i}`, (clock.now += 1)))
      expect((await store.list('key:a', { limit: 0 })).conversations).toHaveLength(1)
      expect((await store.list('key:a', { limit: 1000 })).conversations).toHaveLength(3)
    })
  })
}
