import type { Context } from 'hono'
import { nextConversation, storeDown } from '../conversations/turn.ts'
import { toParam } from '../tools/tool-loop.ts'
import type { ChatRequest } from './request.ts'
import type { ChatResult } from './run.ts'

/**
 * Stores the turn a chat request continued: what it added, the tool steps and the answer, pruned
 * to the conversation's bounds. Awaited before the reply ends (one store write), so a client that
 * sends its next message as soon as this one finished finds it stored.
 */
export async function saveTurn(c: Context, req: ChatRequest, result: ChatResult): Promise<void> {
  const { turn } = req
  const store = c.get('conversations')
  if (!turn || !store) return
  const answer = { role: 'assistant' as const, content: result.message.content.map(toParam) }
  const config = c.get('config')
  const next = nextConversation(turn, [...result.turns, answer], config.conversations, req.model.tokenizer, Date.now())
  await store.put(next).catch((error: unknown) => {
    throw storeDown(error)
  })
  c.get('generation')?.saved()
}
