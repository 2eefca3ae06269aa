import { z } from 'zod'

/** Anthropic content blocks a caller may send; unknown block fields are passed through. */
const cacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).optional()

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl })
const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.union([
    z.object({ type: z.literal('base64'), media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.url() }),
  ]),
})
const documentBlock = z.looseObject({ type: z.literal('document'), source: z.looseObject({ type: z.string() }) })
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() })
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.union([textBlock, imageBlock, documentBlock]))]).optional(),
  is_error: z.boolean().optional(),
})
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() })
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() })

export const contentBlock = z.discriminatedUnion('type', [
  textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock,
])

export const anthropicMessage = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock).min(1)]),
})

/** A message of the AI SDK's `useChat` (UI message with `parts`); parts are checked when converted. */
export const uiMessage = z.looseObject({
  id: z.string().optional(),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(z.looseObject({ type: z.string() })),
})

const clientTool = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ or -'),
  description: z.string().max(10_000).optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
})

export const chatRequestSchema = z.strictObject({
  // Checked in a second step as Anthropic messages or UI messages, so errors name the right fields.
  messages: z.array(z.unknown()).min(1, 'expected at least one message'),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  model: z.string().min(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(1).optional(),
  tools: z.array(z.string()).optional(),
  client_tools: z.array(clientTool).optional(),
  tool_choice: z.looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']) }).optional(),
  thinking: z.looseObject({ type: z.enum(['enabled', 'disabled', 'adaptive']) }).optional(),
  metadata: z.strictObject({ conversation_id: z.string().max(256).optional() }).optional(),
  // Fields `useChat`'s DefaultChatTransport adds to every body.
  id: z.string().optional(),
  trigger: z.string().optional(),
  messageId: z.string().optional(),
})

export const anthropicMessages = z.array(anthropicMessage)
export const uiMessages = z.array(uiMessage)

export type ChatRequestBody = z.infer<typeof chatRequestSchema>
export type UIMessageInput = z.infer<typeof uiMessage>

/** "messages.0.content: expected string, received number" for each issue. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : 'body'
      if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      return `${path}: ${issue.message}`
    })
    .join('; ')
}
