// The AI SDK way: a Hono Worker with `generateText` / `streamText` from `ai` and the
// @ai-sdk/anthropic provider, streaming the UI message stream `useChat` reads.
import { createAnthropic } from '@ai-sdk/anthropic'
import { generateText, streamText, type ModelMessage } from 'ai'
import { Hono } from 'hono'

export interface AiSdkOptions {
  /** Messages API base URL without `/v1` (the simulator in the bench). */
  baseURL: string
  apiKey: string
  /** `fetch` for upstream requests. Default: the global fetch. */
  fetch?: typeof fetch
}

type ChatBody = { messages: ModelMessage[]; model?: string; max_tokens?: number }

export function createAiSdkApp({ baseURL, apiKey, fetch }: AiSdkOptions): Hono {
  const anthropic = createAnthropic({ baseURL: `${baseURL}/v1`, apiKey, ...(fetch && { fetch }) })
  const app = new Hono()

  app.post('/chat', async (c) => {
    const body = await c.req.json<ChatBody>()
    const result = await generateText({
      model: anthropic(body.model ?? 'claude-haiku-5-5'),
      maxOutputTokens: body.max_tokens ?? 1024,
      messages: body.messages,
    })
    return c.json({ text: result.text, finish_reason: result.finishReason, usage: result.usage })
  })

  app.post('/chat/stream', async (c) => {
    const body = await c.req.json<ChatBody>()
    const result = streamText({
      model: anthropic(body.model ?? 'claude-haiku-5-5'),
      maxOutputTokens: body.max_tokens ?? 1024,
      messages: body.messages,
      abortSignal: c.req.raw.signal,
    })
    return result.toUIMessageStreamResponse()
  })

  return app
}

let app: Hono | undefined

type Env = { ANTHROPIC_BASE_URL: string; ANTHROPIC_API_KEY: string }

export default {
  fetch(request: Request, env: Env, ctx: Parameters<Hono['fetch']>[2]) {
    app ??= createAiSdkApp({ baseURL: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY })
    return app.fetch(request, env, ctx)
  },
}
