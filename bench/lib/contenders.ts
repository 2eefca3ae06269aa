// The five contenders and how the load generator talks to each (paths, headers, bodies, stream ends).

export type ContenderName = 'direct' | 'hand-written' | 'ai-sdk' | 'claude-edge (memory)' | 'claude-edge (upstash)'

export const CONTENDERS: readonly ContenderName[] = ['direct', 'hand-written', 'ai-sdk', 'claude-edge (memory)', 'claude-edge (upstash)']

export interface Call {
  path: string
  headers: Record<string, string>
  body: string
}

export const MODEL = 'claude-haiku-5-5'

/** The client key the load generator sends to claude-edge (`Authorization: Bearer …`); only its SHA-256 is configured. */
export const BENCH_KEY = 'ce-bench-key-0123456789abcdef'

/** The request a contender gets for `directives` (e.g. `[sim tokens=20]`), JSON or streamed. */
export function callFor(name: ContenderName, directives: string, stream: boolean): Call {
  const messages = [{ role: 'user', content: `Tell me about the sea. ${directives}` }]
  const json = { 'content-type': 'application/json' }
  switch (name) {
    case 'direct':
      return {
        path: '/v1/messages',
        headers: { ...json, 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: MODEL, max_tokens: 1024, messages, ...(stream && { stream: true }) }),
      }
    case 'hand-written':
    case 'ai-sdk':
      return { path: stream ? '/chat/stream' : '/chat', headers: json, body: JSON.stringify({ model: MODEL, max_tokens: 1024, messages }) }
    case 'claude-edge (memory)':
    case 'claude-edge (upstash)':
      return {
        path: stream ? '/v1/chat/stream' : '/v1/chat',
        headers: { ...json, authorization: `Bearer ${BENCH_KEY}` },
        // tools: [] — one model call, like the others (the Worker registers demo tools).
        body: JSON.stringify({ model: MODEL, max_tokens: 1024, messages, tools: [] }),
      }
  }
}

/** Whether a received chunk carries a text delta, in the contender's wire format. */
export function hasTextDelta(name: ContenderName, chunk: string): boolean {
  if (name === 'direct') return chunk.includes('"text_delta"')
  if (name === 'hand-written') return chunk.includes('{"text":')
  return chunk.includes('"text-delta"')
}

/** Whether the stream's text so far ends the way a complete, error-free stream ends. */
export function streamCompleted(name: ContenderName, text: string): boolean {
  if (name === 'direct') return text.includes('event: message_stop') && !text.includes('event: error')
  return text.includes('data: [DONE]') && !text.includes('"type":"error"')
}
