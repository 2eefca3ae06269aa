/**
 * What `POST /v1/chat/completions` writes: the subset of OpenAI's Chat Completions wire format the
 * gateway produces. Checked against the pinned `openai` package's types in test/openai, which must
 * accept every value of these types.
 */

/** Why a choice ended. `content_filter` is Claude's refusal; `function_call` is never written. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter'

/** A tool call of a reply: `arguments` is the input as JSON text. */
export interface ToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

/** Token counts in OpenAI's terms: `prompt_tokens` counts every input token, cached or not. */
export interface CompletionUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number }
}

/** The non-streamed reply. */
export interface ChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: [
    {
      index: 0
      message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: ToolCall[] }
      logprobs: null
      finish_reason: FinishReason
    },
  ]
  usage: CompletionUsage
}

/** One fragment of a streamed tool call: `id`, `type` and `name` in the first, `arguments` pieces after. */
export interface ToolCallDelta {
  index: number
  id?: string
  type?: 'function'
  function?: { name?: string; arguments?: string }
}

export interface ChunkDelta {
  role?: 'assistant'
  content?: string
  tool_calls?: ToolCallDelta[]
}

/**
 * One `data:` frame of the stream. Choices are empty in the usage frame; `usage` is null in the
 * others when the caller asked for usage (`stream_options.include_usage`), absent otherwise.
 */
export interface ChatCompletionChunk {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: { index: 0; delta: ChunkDelta; logprobs: null; finish_reason: FinishReason | null }[]
  usage?: CompletionUsage | null
}

/** OpenAI's error object: `{ error: { message, type, param, code } }`, plus our request id. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
  request_id: string
}
