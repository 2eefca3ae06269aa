import type { Context } from 'hono'
import { prepareChat } from './prepare.ts'
import { chatResponseBody } from './response.ts'
import { runChat } from './run.ts'

/** `POST /v1/chat`: one reply as JSON. */
export async function chatHandler(c: Context): Promise<Response> {
  const req = await prepareChat(c)
  const result = await runChat(c.get('upstream'), req, { signal: c.req.raw.signal, meter: c.get('meter') })
  return c.json(chatResponseBody(result, c.get('requestId'), req.warnings))
}
