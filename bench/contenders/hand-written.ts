// The baseline: what a user writes in an afternoon. A Hono Worker that forwards to the Messages API
// with @anthropic-ai/sdk: no auth, no limits, no retries of its own, no heartbeats.
import Anthropic from '@anthropic-ai/sdk'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'

export interface HandWrittenOptions {
  /** Messages API base URL (the simulator in the bench). */
  baseURL: string
  apiKey: string
  /** `fetch` for upstream requests. Default: the global fetch. */
  fetch?: typeof fetch
}

type ChatBody = { messages: Anthropic.MessageParam[]; model?: string; max_tokens?: number }

export function createHandWrittenApp({ baseURL, apiKey, fetch }: HandWrittenOptions): Hono {
  const client = new Anthropic({ baseURL, apiKey, ...(fetch && { fetch }) })
  const app = new Hono()

  app.post('/chat', async (c) => {
    const body = await c.req.json<ChatBody>()
    const message = await client.messages.create({
      model: body.model ?? 'claude-haiku-5-5',
      max_tokens: body.max_tokens ?? 1024,
      messages: body.messages,
    })
    const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('')
    return c.json({ id: message.id, text, stop_reason: message.stop_reason, usage: message.usage })
  })

  app.post('/chat/stream', async (c) => {
    const body = await c.req.json<ChatBody>()
    const stream = client.messages.stream(
      { model: body.model ?? 'claude-haiku-5-5', max_tokens: body.max_tokens ?? 1024, messages: body.messages },
      { signal: c.req.raw.signal },
    )
    return streamSSE(c, async (sse) => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          await sse.writeSSE({ data: JSON.stringify({ text: event.delta.text }) })
        }
      }
      await sse.writeSSE({ data: '[DONE]' })
    })
  })

  return app
}

let app: Hono | undefined

type Env = { ANTHROPIC_BASE_URL: string; ANTHROPIC_API_KEY: string }

export default {
  fetch(request: Request, env: Env, ctx: Parameters<Hono['fetch']>[2]) {
    app ??= createHandWrittenApp({ baseURL: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY })
    return app.fetch(request, env, ctx)
  },
}
