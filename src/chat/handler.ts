import type { Context } from 'hono'
import { prepareChat } from './prepare.ts'
import { chatResponseBody } from './response.ts'
import { runChat } from './run.ts'
import { saveTurn } from './save-turn.ts'

/** `POST /v1/chat`: one reply as JSON, after the tool loop. */
export async function chatHandler(c: Context): Promise<Response> {
  const req = await prepareChat(c)
  const result = await runChat(c, req)
  await saveTurn(c, req, result)
  const conversation = req.turn && { conversation_id: req.turn.conversation.id }
  return c.json({ ...chatResponseBody(result, c.get('requestId'), req.warnings), ...conversation })
}
