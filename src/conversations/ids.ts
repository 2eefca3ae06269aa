/**
 * Conversation ids.
 *
 * - Client-chosen: 8–128 characters of `[A-Za-z0-9_-]` (`CONVERSATION_ID`). The AI SDK's `useChat`
 *   generates 16 alphanumeric characters, which fit. Safe in keys, URLs and headers as they are.
 * - Server-issued (`POST /v1/conversations`, and the only kind an anonymous caller may use, since
 *   many visitors can share one anonymous identity): `conv_` + 128 random bits in base64url
 *   without padding (22 characters), 27 characters in all, which also match `CONVERSATION_ID`.
 *
 * `isServerIssued` checks the form only: a client can write an id of that form itself. It then
 * only chose its own id's strength; it gains no access to anyone else's conversation, which
 * stays behind its own 128 random bits (and the owner's identity in the key).
 */

/** What a conversation id may look like: 8–128 letters, digits, `_` or `-`. */
export const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,128}$/

/** Server-issued ids: `conv_` + 16 random bytes in base64url (the last character carries 2 bits: A, Q, g or w). */
const SERVER_ISSUED = /^conv_[A-Za-z0-9_-]{21}[AQgw]$/

export function isValidConversationId(id: unknown): id is string {
  return typeof id === 'string' && CONVERSATION_ID.test(id)
}

/** A new server-issued id: `conv_` + 128 bits of `crypto.getRandomValues`, base64url, no padding. */
export function newConversationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return `conv_${btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`
}

/** Whether `id` has the form of a server-issued id (see the note above on what this proves). */
export function isServerIssued(id: string): boolean {
  return SERVER_ISSUED.test(id)
}
