import type OpenAI from 'openai'
import type { APIError } from 'openai'
import { expectTypeOf, it } from 'vitest'
import type { ChatCompletion, ChatCompletionChunk, CompletionUsage, OpenAIErrorBody } from '../../src/openai/types.ts'

// Checked by `npm run typecheck`: every value the route writes is one the pinned openai package's types accept.
it('the wire types are subsets of the openai package’s', () => {
  expectTypeOf<ChatCompletion>().toExtend<OpenAI.ChatCompletion>()
  expectTypeOf<ChatCompletionChunk>().toExtend<OpenAI.ChatCompletionChunk>()
  expectTypeOf<CompletionUsage>().toExtend<OpenAI.CompletionUsage>()
  expectTypeOf<OpenAIErrorBody['error']>().toExtend<Pick<APIError, 'type' | 'code' | 'param'>>()
})
