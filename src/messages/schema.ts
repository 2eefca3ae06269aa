import { z } from 'zod'

/**
 * The fields of an Anthropic Messages API body the gateway must read; everything else is passed
 * through untouched and validated by the API itself.
 */
export const messagesBodySchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']) })).min(1, 'expected at least one message'),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  stream: z.boolean().optional(),
})

/** `count_tokens` takes the same body without `max_tokens`. */
export const countTokensBodySchema = messagesBodySchema.omit({ max_tokens: true, stream: true })
