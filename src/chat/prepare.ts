import type { Context } from 'hono'
import { parseChatRequest, type ChatRequest } from './request.ts'
import { readJsonBody } from './read-body.ts'

/** The steps every chat route shares before calling Claude: parse, validate, admit. */
export async function prepareChat(c: Context): Promise<ChatRequest> {
  const req = parseChatRequest(await readJsonBody(c), c.get('config'), c.get('identity'))
  await c.get('admission')(c, req)
  return req
}
