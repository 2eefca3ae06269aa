import * as z from 'zod/mini'
import '../validation/zod.ts'
import { clientTool } from '../tools/client-tool.ts'

/** Anthropic content blocks a caller may send; unknown block fields are passed through. */
const cacheControl = z.optional(z.object({ type: z.literal('ephemeral'), ttl: z.optional(z.enum(['5m', '1h'])) }))

/** Image types the Messages API accepts. */
export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl })
const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.union([
    z.object({ type: z.literal('base64'), media_type: z.enum(IMAGE_MEDIA_TYPES), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.url() }),
  ]),
})
const documentBlock = z.looseObject({ type: z.literal('document'), source: z.looseObject({ type: z.string() }) })
const nonEmpty = z.string().check(z.minLength(1))
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: nonEmpty, name: nonEmpty, input: z.unknown() })
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: nonEmpty,
  content: z.optional(z.union([z.string(), z.array(z.union([textBlock, imageBlock, documentBlock]))])),
  is_error: z.optional(z.boolean()),
})
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() })
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() })

export const contentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
])

export const anthropicMessage = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock).check(z.minLength(1))]),
})

/** A message of the AI SDK's `useChat` (UI message with `parts`); parts are checked when converted. */
export const uiMessage = z.looseObject({
  id: z.optional(z.string()),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(z.looseObject({ type: z.string() })),
})

export const chatRequestSchema = z.strictObject({
  // Checked in a second step as Anthropic messages or UI messages, so errors name the right fields.
  messages: z.array(z.unknown()).check(z.minLength(1, 'expected at least one message')),
  system: z.optional(z.union([z.string(), z.array(textBlock)])),
  model: z.optional(nonEmpty),
  max_tokens: z.optional(z.int().check(z.positive())),
  temperature: z.optional(z.number().check(z.gte(0), z.lte(1))),
  tools: z.optional(z.array(z.string())),
  client_tools: z.optional(z.array(clientTool)),
  tool_choice: z.optional(z.looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']) })),
  thinking: z.optional(z.looseObject({ type: z.enum(['enabled', 'disabled', 'adaptive']) })),
  // A JSON Schema the answer must follow (structured output, docs/http.md#structured-output).
  output_schema: z.optional(z.record(z.string(), z.unknown())),
  // The stored conversation this request continues (docs/conversations.md); `metadata.conversation_id` is the same.
  conversation_id: z.optional(z.string().check(z.maxLength(256))),
  metadata: z.optional(z.strictObject({ conversation_id: z.optional(z.string().check(z.maxLength(256))) })),
  // Fields `useChat`'s DefaultChatTransport adds to every body.
  id: z.optional(z.string()),
  trigger: z.optional(z.string()),
  messageId: z.optional(z.string()),
})

export const anthropicMessages = z.array(anthropicMessage)
export const uiMessages = z.array(uiMessage)

export type ChatRequestBody = z.infer<typeof chatRequestSchema>
export type UIMessageInput = z.infer<typeof uiMessage>

/** "messages.0.content: expected string, received number" for each issue. */
export function describeIssues(error: { issues: readonly z.core.$ZodIssue[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : 'body'
      if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      return `${path}: ${issue.message}`
    })
    .join('; ')
}
