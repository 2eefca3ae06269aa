import type { Context } from 'hono'
import { parseChatRequest, type ChatRequest } from './request.ts'
import { readJsonBody } from './read-body.ts'
import { prepareTools } from '../tools/prepare-tools.ts'

/** The steps every chat route shares before calling Claude: parse, validate, resolve tools, admit. */
export async function prepareChat(c: Context): Promise<ChatRequest> {
  const req = parseChatRequest(await readJsonBody(c), c.get('config'), c.get('identity'))
  prepareTools(req, c.get('tools'))
  await c.get('admission')(c, req)
  return req
}
