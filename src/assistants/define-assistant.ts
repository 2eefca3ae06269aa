import * as z from 'zod/mini'
import '../validation/zod.ts'
import { clientTool } from '../tools/client-tool.ts'
import { rateOrOff } from '../validation/rate.ts'

/**
 * What a public page may ask for (docs/assistants.md): the server's system prompt, model and caps, the
 * tools it may use, and its own limits. Callers bound to an assistant cannot change any of it.
 */
export const assistantSchema = z.strictObject({
  /** Named by requests (`assistant`), by keys and session tokens (`assistants`), and in logs. */
  id: z.string().check(z.regex(/^[\w.-]{1,64}$/, 'id: letters, digits, _ . - (1-64)')),
  /** Logged with every request, so usage and cost can be compared across prompt versions. Default: "1". */
  version: z._default(z.string().check(z.minLength(1), z.maxLength(64)), '1'),
  system: z.string().check(z.minLength(1)),
  /** A model id or alias of the catalogue. */
  model: z.string().check(z.minLength(1)),
  /** The most a request may ask for, and the default; larger requests are clamped. */
  max_tokens: z.int().check(z.positive()),
  /** Server tools (names of the app's tools) requests may use. Default: none. */
  tools: z._default(z.array(z.string()), []),
  /** Client tools (run by the page) requests may declare, with the definitions the model sees. Default: none. */
  client_tools: z._default(z.array(clientTool), []),
  temperature: z.optional(z.number().check(z.gte(0), z.lte(1))),
  /** A JSON Schema the answer should follow (structured output, docs/roadmap.md#answers-you-can-check-and-reuse). */
  output_schema: z.optional(z.record(z.string(), z.unknown())),
  /** Anonymous callers (ALLOW_ANONYMOUS) may use it. Default: false. */
  public: z._default(z.boolean(), false),
  /** Request limit of each caller using it, e.g. "10/1m" or "off" (a key's or session's own wins); parsed here, once. */
  rate_limit: z.optional(rateOrOff),
  /** Daily budget of each caller using it, in USD (a key's or session's own wins). */
  daily_budget_usd: z.optional(z.number().check(z.nonnegative())),
})

export type AssistantConfig = z.input<typeof assistantSchema>
export type Assistant = z.output<typeof assistantSchema>

/**
 * An assistant defined in code, checked now (a bad one throws here, naming the field); the app
 * checks its model and tools against the catalogue and the registered tools when it is built.
 *
 * @example
 * const support = defineAssistant({ id: 'support', system: 'You answer questions about Acme…', model: 'fast', max_tokens: 1024, public: true, daily_budget_usd: 0.05 })
 * createApp({ config, assistants: [support] })
 */
export function defineAssistant(config: AssistantConfig): Assistant {
  const parsed = z.safeParse(assistantSchema, config)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'assistant'}: ${i.message}`).join('; ')
    throw new TypeError(`defineAssistant(${JSON.stringify(config?.id ?? '')}): ${issues}`)
  }
  return Object.freeze(parsed.data)
}
