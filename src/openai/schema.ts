import * as z from 'zod/mini'
import '../validation/zod.ts'
import { TOOL_NAME } from '../tools/registry.ts'

const nonEmpty = z.string().check(z.minLength(1))
const positiveInt = z.int().check(z.positive())
/** OpenAI clients send `null` for "not set" in many fields. */
const maybe = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema))

/** Content parts are checked one by one when converted, so an unsupported type gets its own message. */
const part = z.looseObject({ type: z.string() })
const content = z.union([z.string(), z.array(part)])

const toolCall = z.looseObject({
  id: nonEmpty,
  type: z.literal('function'),
  function: z.looseObject({ name: nonEmpty, arguments: z.string() }),
})

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content }),
  z.looseObject({ role: z.literal('user'), content }),
  z.looseObject({ role: z.literal('assistant'), content: maybe(content), tool_calls: maybe(z.array(toolCall)) }),
  z.looseObject({ role: z.literal('tool'), content, tool_call_id: nonEmpty }),
])

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().check(z.regex(TOOL_NAME, 'tool names are 1-64 letters, digits, _ or -')),
    description: maybe(z.string()),
    parameters: maybe(z.record(z.string(), z.unknown())),
  }),
})

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: nonEmpty }) }),
])

/**
 * The fields of an OpenAI Chat Completions body the gateway reads. Other fields (`user`, `seed`,
 * `logprobs`, `store`, …) are ignored: OpenAI clients send many. `assistant` is ours: which
 * assistant to run as, for a credential that may use several (docs/assistants.md).
 */
export const chatCompletionRequestSchema = z.looseObject({
  model: nonEmpty,
  messages: z.array(message).check(z.minLength(1, 'expected at least one message')),
  max_tokens: maybe(positiveInt),
  max_completion_tokens: maybe(positiveInt),
  temperature: maybe(z.number().check(z.gte(0), z.lte(2))),
  top_p: maybe(z.number().check(z.gte(0), z.lte(1))),
  stop: maybe(z.union([z.string(), z.array(z.string())])),
  n: maybe(z.int()),
  stream: maybe(z.boolean()),
  stream_options: maybe(z.looseObject({ include_usage: maybe(z.boolean()) })),
  tools: maybe(z.array(tool)),
  tool_choice: z.optional(toolChoice),
  parallel_tool_calls: maybe(z.boolean()),
  response_format: maybe(z.looseObject({ type: z.string() })),
  functions: z.optional(z.unknown()),
  assistant: z.optional(z.unknown()),
})

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>
export type OpenAIMessage = ChatCompletionRequest['messages'][number]
export type OpenAIContentPart = z.infer<typeof part>
