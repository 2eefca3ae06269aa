import { generateId } from 'ai'
import { describe, expect, it } from 'vitest'
import { CONVERSATION_ID, isServerIssued, isValidConversationId, newConversationId } from '../../src/conversations/ids.ts'

const base64urlBytes = (text: string) => Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0))

describe('conversation ids', () => {
  it('issues conv_ + 128 random bits in base64url without padding', () => {
    const ids = Array.from({ length: 200 }, () => newConversationId())
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) {
      expect(id).toMatch(/^conv_[A-Za-z0-9_-]{22}$/)
      expect(base64urlBytes(id.slice(5))).toHaveLength(16)
      expect(isServerIssued(id)).toBe(true)
      expect(isValidConversationId(id)).toBe(true)
    }
    // Every bit varies: over 200 ids, each of the 128 bits is seen both ways.
    const seen = Array.from({ length: 128 }, () => new Set<number>())
    for (const id of ids)
      base64urlBytes(id.slice(5)).forEach((byte, i) => {
        for (let b = 0; b < 8; b++) seen[i * 8 + b]!.add((byte >> b) & 1)
      })
    expect(seen.every((s) => s.size === 2)).toBe(true)
  })

  it("accepts useChat's ids and client ids of 8–128 letters, digits, _ and -", () => {
    for (let i = 0; i < 50; i++) expect(isValidConversationId(generateId())).toBe(true)
    for (const id of ['abcdefgh', 'A1_b2-C3', 'x'.repeat(128), '12345678']) expect(isValidConversationId(id), id).toBe(true)
    expect(CONVERSATION_ID.test('abcdefgh')).toBe(true)
  })

  it('refuses ids that are too short, too long, or hold anything else', () => {
    for (const id of ['', 'abcdefg', 'x'.repeat(129), 'abc:defgh', 'abcdefgh ', 'abc/defgh', 'abcdéfgh', 'abcdefgh\n', '../../etc'])
      expect(isValidConversationId(id), JSON.stringify(id)).toBe(false)
    for (const value of [undefined, null, 12345678, { id: 'abcdefgh' }]) expect(isValidConversationId(value)).toBe(false)
  })

  it('tells server-issued ids from client ids by their form', () => {
    expect(isServerIssued('conv_AAAAAAAAAAAAAAAAAAAAAA')).toBe(true)
    for (const id of [
      'conv_AAAAAAAAAAAAAAAAAAAAAB', // the last character carries 2 bits: A, Q, g or w only
      'conv_AAAAAAAAAAAAAAAAAAAAA', // 21 characters: 126 bits
      'conv_AAAAAAAAAAAAAAAAAAAAAAA',
      'conv-AAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAA',
      generateId(),
    ])
      expect(isServerIssued(id), id).toBe(false)
  })
})
