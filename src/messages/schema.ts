import * as z from 'zod/mini'
import '../validation/zod.ts'

const fields = {
  model: z.string().check(z.minLength(1)),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']) })).check(z.minLength(1, 'expected at least one message')),
  system: z.optional(z.union([z.string(), z.array(z.looseObject({ type: z.string() }))])),
}

/**
 * The fields of an Anthropic Messages API body the gateway must read; everything else is passed
 * through untouched and validated by the API itself.
 */
export const messagesBodySchema = z.looseObject({
  ...fields,
  max_tokens: z.number().check(z.int(), z.positive()),
  stream: z.optional(z.boolean()),
})

/** `count_tokens` takes the same body without `max_tokens` and `stream`. */
export const countTokensBodySchema = z.looseObject(fields)
