import type { Context, Handler, MiddlewareHandler } from 'hono'
import { GatewayError } from '../errors.ts'
import { INTERNAL_ROUTE, isNamespace, type InternalRoute, type ObjectNamespace, type ObjectStub } from './internal.ts'
import { conversationRef, usableRef } from './turn.ts'

/** The Durable Object namespace of resumable generations, when the Worker has the binding (CONVERSATIONS_BINDING). */
export function conversationObjects(c: Context): ObjectNamespace | undefined {
  const value = (c.env as Record<string, unknown> | undefined)?.[c.get('config').conversationsBinding]
  return isNamespace(value) ? value : undefined
}

/** The object of one conversation: named from its owner and id, so another identity never reaches it. */
export function conversationObject(namespace: ObjectNamespace, owner: string, id: string): ObjectStub {
  return namespace.get(namespace.idFromName(`conversation:${owner}:${id}`))
}

function internalRequest(c: Context, route: InternalRoute, init: RequestInit = {}): Request {
  const headers = new Headers(c.req.raw.headers)
  headers.set(INTERNAL_ROUTE, route)
  headers.set('request-id', c.get('requestId'))
  // The object runs the gateway at the root: drop the prefix an app may mount it under.
  const url = new URL(c.req.url)
  url.pathname = url.pathname.slice(url.pathname.lastIndexOf('/v1/'))
  return new Request(url, { method: c.req.method, ...init, headers })
}

/**
 * On `POST /v1/chat` and `/v1/chat/stream`: a request that continues a conversation runs in that
 * conversation's Durable Object, which owns the upstream call (a client that leaves only stops
 * reading; the generation is recorded for `GET …/stream`). Without the binding, or without a
 * conversation, the route runs here as usual.
 */
export function runInConversation(): MiddlewareHandler {
  return async function runInConversation(c, next) {
    const namespace = conversationObjects(c)
    if (!namespace) return next()
    const text = await c.req.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return next() // the route answers the parse error
    }
    const ref = usableRef(conversationRef(body), c.get('identity'))
    if (!ref) return next()
    const meter = c.get('meter')
    meter.outcome = 'forwarded'
    const object = conversationObject(namespace, c.get('identity').id, ref.id)
    const response = await object.fetch(internalRequest(c, 'run', { body: text }))
    // The object's own log line has the usage; this one says where the request went.
    meter.finish(response.ok ? 'forwarded' : 'error')
    return new Response(response.body, response)
  }
}

/**
 * `GET /v1/chat/stream/:id/stream` (what `useChat({ resume: true })` sends): the active or
 * just-finished generation of the conversation from its first part (or after `Last-Event-ID`),
 * then live; 204 when nothing runs.
 */
export const resumeHandler: Handler = async (c) => {
  const namespace = conversationObjects(c)
  const id = c.req.param('id') ?? ''
  if (!namespace || !id) return c.body(null, 204)
  const response = await conversationObject(namespace, c.get('identity').id, id).fetch(internalRequest(c, 'resume', { method: 'GET' }))
  c.get('meter').finish(response.status === 204 ? 'ok' : 'resumed')
  return new Response(response.body, response)
}

/**
 * `POST /v1/conversations/:id/stop`: stops the conversation's generation from any connection or
 * instance. What was written is kept in the conversation and billed. `{ "stopped": false }` when
 * nothing was running.
 */
export const stopHandler: Handler = async (c) => {
  const namespace = conversationObjects(c)
  const id = c.req.param('id') ?? ''
  if (!namespace) {
    throw new GatewayError(
      'invalid_request_error',
      `Stopping needs resumable generations: bind the conversation Durable Object as ${c.get('config').conversationsBinding} (docs/conversations.md).`,
    )
  }
  const response = await conversationObject(namespace, c.get('identity').id, id).fetch(internalRequest(c, 'stop', { method: 'POST' }))
  return c.json((await response.json()) as { stopped: boolean })
}
