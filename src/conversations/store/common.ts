import { GatewayError } from '../../errors.ts'
import type { Conversation, ConversationSummary } from '../types.ts'

/** Most conversations one `list` call returns; larger limits are lowered to it. */
export const MAX_PAGE_SIZE = 100

/**
 * An owner or an id as one segment of a key: `encodeURIComponent`, so the result never holds `:`
 * (the key separator) and two different strings never give the same segment (`%` itself is
 * encoded). An owner such as `ip:2001:db8::/64` or an id such as `x:y` cannot reach another key
 * space. Throws a URIError on a string with a lone surrogate (never a valid owner or id).
 */
export function keyPart(value: string): string {
  return encodeURIComponent(value)
}

export function summaryOf(conversation: Conversation): ConversationSummary {
  const { id, title, createdAt, updatedAt, messages } = conversation
  return { id, title, createdAt, updatedAt, messageCount: messages.length }
}

/** Whether a conversation last updated at `updatedAt` is past its idle TTL at `now`. */
export function isExpired(updatedAt: number, ttlMs: number, now: number): boolean {
  return now >= updatedAt + ttlMs
}

/** `limit` as a page size: a whole number from 1 to `MAX_PAGE_SIZE`. */
export function pageSize(limit: number): number {
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Number.isFinite(limit) ? Math.floor(limit) : MAX_PAGE_SIZE))
}

/** Opaque cursors: base64url (no padding) of a short text only the store that wrote it reads. */
export function encodeCursor(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** The text of a cursor, or a 400 `invalid_request_error` when it is not one. */
export function decodeCursor(cursor: string, pattern: RegExp): string {
  let text: string | undefined
  if (/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) {
    try {
      const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
    } catch {
      text = undefined
    }
  }
  if (text === undefined || !pattern.test(text)) {
    throw new GatewayError('invalid_request_error', 'cursor: not a cursor of this list; pass the nextCursor of the previous page')
  }
  return text
}
