import type { Context } from 'hono'
import { prepareChat } from './prepare.ts'
import { chatResponseBody } from './response.ts'
import { runChat } from './run.ts'

/** `POST /v1/chat`: one reply as JSON, after the tool loop. */
export async function chatHandler(c: Context): Promise<Response> {
  const req = await prepareChat(c)
  const result = await runChat(c, req)
  return c.json(chatResponseBody(result, c.get('requestId'), req.warnings))
}
