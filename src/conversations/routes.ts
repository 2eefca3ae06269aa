import type { Context, Handler } from 'hono'
import { GatewayError } from '../errors.ts'
import { isValidConversationId, newConversationId } from './ids.ts'
import { toUIMessages } from './to-ui-messages.ts'
import type { ConversationStore } from './types.ts'

function storeOf(c: Context): ConversationStore {
  const store = c.get('conversations')
  if (!store) {
    throw new GatewayError(
      'invalid_request_error',
      `Conversations need a store: configure Upstash (UPSTASH_REDIS_REST_URL/TOKEN) or bind the conversation Durable Object as ${c.get('config').conversationsBinding} (docs/conversations.md).`,
    )
  }
  return store
}

function notFound(id: string): GatewayError {
  return new GatewayError('not_found_error', `No conversation ${id}: it expired, was deleted, or belongs to another caller.`)
}

/** `POST /v1/conversations`: a new, empty conversation with a server-issued id (128 random bits; what anonymous visitors must use). */
export const createConversationHandler: Handler = async (c) => {
  const store = storeOf(c)
  const now = Date.now()
  const id = newConversationId()
  await store.put({ id, owner: c.get('identity').id, createdAt: now, updatedAt: now, title: '', messages: [] })
  return c.json({ id, created_at: new Date(now).toISOString() }, 201)
}

/** `GET /v1/conversations?limit=20&cursor=…`: the caller's conversations, newest first. */
export const listConversationsHandler: Handler = async (c) => {
  const limit = Number(c.req.query('limit') ?? 20)
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new GatewayError('invalid_request_error', 'limit: expected a whole number from 1 to 100')
  }
  const cursor = c.req.query('cursor')
  const page = await storeOf(c).list(c.get('identity').id, { limit, ...(cursor && { cursor }) })
  return c.json({
    data: page.conversations.map((s) => ({
      id: s.id,
      title: s.title,
      created_at: new Date(s.createdAt).toISOString(),
      updated_at: new Date(s.updatedAt).toISOString(),
      message_count: s.messageCount,
    })),
    has_more: page.nextCursor !== undefined,
    ...(page.nextCursor && { next_cursor: page.nextCursor }),
  })
}

/** `GET /v1/conversations/:id`: its messages as UI messages (for useChat and the widget) and as Anthropic messages. */
export const getConversationHandler: Handler = async (c) => {
  const id = c.req.param('id') ?? ''
  const conversation = isValidConversationId(id) ? await storeOf(c).get(c.get('identity').id, id) : undefined
  if (!conversation) throw notFound(id)
  return c.json({
    id: conversation.id,
    title: conversation.title,
    created_at: new Date(conversation.createdAt).toISOString(),
    updated_at: new Date(conversation.updatedAt).toISOString(),
    ui_messages: toUIMessages(conversation.messages),
    messages: conversation.messages,
  })
}

/** `DELETE /v1/conversations/:id`: 204, or 404 when there is none. */
export const deleteConversationHandler: Handler = async (c) => {
  const id = c.req.param('id') ?? ''
  if (!isValidConversationId(id) || !(await storeOf(c).delete(c.get('identity').id, id))) throw notFound(id)
  return c.body(null, 204)
}
