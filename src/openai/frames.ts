import type { ChatCompletionChunk, OpenAIErrorBody } from './types.ts'

/** One chunk of OpenAI's stream: a `data:` line with the JSON, no `event:` line. */
export function chunkFrame(chunk: ChatCompletionChunk): string {
  return `data: ${JSON.stringify(chunk)}\n\n`
}

/**
 * A failure after the stream started. OpenAI's SDKs throw an APIError for a data frame that has
 * `error`; no `[DONE]` follows, so clients without that check do not take the reply as complete.
 */
export function errorFrame(body: OpenAIErrorBody): string {
  return `data: ${JSON.stringify(body)}\n\n`
}

/** The last frame of a complete stream. */
export const DONE_FRAME = 'data: [DONE]\n\n'
