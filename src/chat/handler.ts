import type { Context } from 'hono'
import { parseChatRequest } from './request.ts'
import { readJsonBody } from './read-body.ts'
import { chatResponseBody } from './response.ts'
import { runChat } from './run.ts'

/** `POST /v1/chat`: one reply as JSON. */
export async function chatHandler(c: Context): Promise<Response> {
  const req = parseChatRequest(await readJsonBody(c), c.get('config'), c.get('identity'))
  const result = await runChat(c.get('upstream'), req, c.req.raw.signal)
  return c.json(chatResponseBody(result, c.get('requestId'), req.warnings))
}
