import type { Context } from 'hono'
import { toUsage } from '../models/cost.ts'
import { toChatCompletion } from './from-anthropic.ts'
import { prepareCompletion } from './prepare.ts'
import { streamCompletion } from './stream-completion.ts'

/**
 * `POST /v1/chat/completions`: OpenAI's Chat Completions API in front of Claude, for clients built
 * on OpenAI's SDKs. One model call per request through the same admission, limits, budgets,
 * assistant binding, retries, fallbacks and log as the other routes. Tools are the caller's:
 * the reply hands back `tool_calls` and the caller answers them with `tool` messages. Errors are
 * in OpenAI's shape (mount `openAIErrors()` before `authenticate`).
 */
export async function chatCompletionsHandler(c: Context): Promise<Response> {
  const prepared = await prepareCompletion(c)
  if (prepared.stream) return streamCompletion(c, prepared)
  const meter = c.get('meter')
  const { value: message, model } = await c
    .get('upstream')
    .message(prepared.params, { signal: c.req.raw.signal, meter, pace: c.get('pace') })
  const usage = toUsage(message.usage)
  meter.record(model, usage)
  return c.json(toChatCompletion(message, { model: model.id, usage }))
}
