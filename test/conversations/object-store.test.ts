import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ObjectConversationStore } from '../../src/conversations/object-store.ts'
import { conversation } from './store-behaviour.ts'

// Without Upstash (npm start), conversations live in Durable Object storage: one object per owner,
// reached from the Worker and from the generation's object alike.
describe('ObjectConversationStore (Durable Object storage, through the CONVERSATIONS binding)', () => {
  const store = new ObjectConversationStore(env.CONVERSATIONS)
  const now = Date.now()

  it('puts, gets, lists newest first and deletes, per owner', async () => {
    await store.put(conversation('key:obj-a', 'conv-one-1', now - 2000))
    await store.put(conversation('key:obj-a', 'conv-two-2', now - 1000))
    await store.put(conversation('key:obj-b', 'conv-one-1', now))
    expect((await store.get('key:obj-a', 'conv-one-1'))?.title).toBe('Title of conv-one-1')
    const page = await store.list('key:obj-a', { limit: 10 })
    expect(page.conversations.map((c) => c.id)).toEqual(['conv-two-2', 'conv-one-1'])
    expect(await store.delete('key:obj-a', 'conv-one-1')).toBe(true)
    expect(await store.get('key:obj-a', 'conv-one-1')).toBeUndefined()
    expect(await store.delete('key:obj-a', 'conv-one-1')).toBe(false)
    // Another owner's conversation of the same id is untouched.
    expect((await store.get('key:obj-b', 'conv-one-1'))?.owner).toBe('key:obj-b')
  })

  it('keeps a conversation with a 5 MB image intact', async () => {
    const data = 'A'.repeat(5 * 1024 * 1024)
    const big = conversation('key:obj-c', 'conv-image-1', now, [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
          { type: 'text', text: 'What is this?' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'A picture.' }] },
    ])
    await store.put(big)
    expect(await store.get('key:obj-c', 'conv-image-1')).toEqual(big)
  })
})
