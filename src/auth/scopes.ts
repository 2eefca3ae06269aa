/**
 * Route scopes a credential can be limited to. A scope is the first path segment after `/v1/`:
 * `chat` covers `/v1/chat`, `/v1/chat/stream`, `/v1/chat/completions` (OpenAI-compatible) and the
 * conversations of chats (`/v1/conversations…`),
 * `messages` covers `/v1/messages` and `/v1/messages/count_tokens`, `models` covers `/v1/models`,
 * `usage` covers `/v1/usage`.
 */
export const SCOPES = ['chat', 'messages', 'models', 'usage'] as const

export type Scope = (typeof SCOPES)[number]

/** What anonymous callers may use: the browser routes, not the Anthropic-compatible gateway. */
export const ANONYMOUS_SCOPES: readonly Scope[] = ['chat', 'models', 'usage']

/**
 * The scope a request path needs: the segment after the last `/v1/` (so an app mounted under a
 * prefix still maps), or the path itself when it is not under `/v1/`.
 */
export function scopeOf(path: string): string {
  const at = path.lastIndexOf('/v1/')
  if (at < 0) return path
  const segment = path.slice(at + 4).split('/')[0] ?? ''
  // Conversations are the chat routes' history: whoever may chat may list, read, stop and delete them.
  return segment === 'conversations' ? 'chat' : segment
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value)
}
