import type Anthropic from '@anthropic-ai/sdk'
import { GatewayError } from '../errors.ts'
import { IMAGE_MEDIA_TYPES, type UIMessageInput } from './schema.ts'

type MessageParam = Anthropic.MessageParam
type Block = Anthropic.ContentBlockParam

const IMAGE_TYPES = new Set<string>(IMAGE_MEDIA_TYPES)

function invalid(path: string, message: string): GatewayError {
  return new GatewayError('invalid_request_error', `${path}: ${message}`)
}

function fileBlock(part: Record<string, unknown>, path: string): Block {
  const url = typeof part.url === 'string' ? part.url : ''
  const mediaType = typeof part.mediaType === 'string' ? part.mediaType : ''
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url)
  if (IMAGE_TYPES.has(mediaType)) {
    if (data) return { type: 'image', source: { type: 'base64', media_type: mediaType as 'image/png', data: data[2]! } }
    if (/^https:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } }
  }
  if (mediaType === 'application/pdf') {
    if (data) return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data[2]! } }
    if (/^https:\/\//.test(url)) return { type: 'document', source: { type: 'url', url } }
  }
  throw invalid(path, `unsupported file (mediaType "${mediaType}"); send images (jpeg, png, gif, webp) or PDFs as data: or https: URLs`)
}

function toolName(part: Record<string, unknown>): string | undefined {
  if (part.type === 'dynamic-tool') return typeof part.toolName === 'string' ? part.toolName : undefined
  return typeof part.type === 'string' && part.type.startsWith('tool-') ? part.type.slice(5) : undefined
}

function toolResultContent(part: Record<string, unknown>): Anthropic.ToolResultBlockParam {
  const id = String(part.toolCallId)
  if (part.state === 'output-error')
    return { type: 'tool_result', tool_use_id: id, content: String(part.errorText ?? 'Tool failed'), is_error: true }
  if (part.state === 'output-denied')
    return { type: 'tool_result', tool_use_id: id, content: 'The user denied this tool call.', is_error: true }
  const output = part.output
  return { type: 'tool_result', tool_use_id: id, content: typeof output === 'string' ? output : JSON.stringify(output ?? null) }
}

/**
 * Converts `useChat` UI messages into Anthropic messages. An assistant message holding several
 * steps becomes alternating assistant turns (text, tool_use) and user turns (tool_result).
 * System messages are returned separately: Anthropic takes the system prompt apart.
 */
export function fromUIMessages(messages: UIMessageInput[]): { messages: MessageParam[]; system: string[] } {
  const out: MessageParam[] = []
  const system: string[] = []
  const push = (role: MessageParam['role'], blocks: Block[]) => {
    if (blocks.length) out.push({ role, content: blocks } as MessageParam)
  }

  messages.forEach((message, m) => {
    const parts = message.parts as Record<string, unknown>[]
    if (message.role === 'system') {
      for (const part of parts) if (part.type === 'text' && typeof part.text === 'string') system.push(part.text)
      return
    }
    if (message.role === 'user') {
      const blocks: Block[] = []
      parts.forEach((part, p) => {
        if (part.type === 'text' && typeof part.text === 'string') {
          if (part.text) blocks.push({ type: 'text', text: part.text })
        } else if (part.type === 'file') blocks.push(fileBlock(part, `messages.${m}.parts.${p}`))
      })
      if (!blocks.length) throw invalid(`messages.${m}.parts`, 'a user message needs at least one non-empty text or file part')
      push('user', blocks)
      return
    }
    // Assistant: each step is [text/tool_use…] followed by the results of its tool calls.
    let blocks: Block[] = []
    let results: Anthropic.ToolResultBlockParam[] = []
    const flush = () => {
      push('assistant', blocks)
      push('user', results)
      blocks = []
      results = []
    }
    parts.forEach((part, p) => {
      if (part.type === 'step-start') {
        if (results.length) flush()
        return
      }
      if (part.type === 'text' && typeof part.text === 'string') {
        if (results.length) flush()
        if (part.text) blocks.push({ type: 'text', text: part.text })
        return
      }
      const name = toolName(part)
      if (!name) return // reasoning, sources, data parts: display-only
      if (typeof part.toolCallId !== 'string') throw invalid(`messages.${m}.parts.${p}.toolCallId`, 'expected a string')
      blocks.push({ type: 'tool_use', id: part.toolCallId, name, input: (part.input ?? {}) as Record<string, unknown> })
      if (part.state === 'output-available' || part.state === 'output-error' || part.state === 'output-denied') {
        results.push(toolResultContent(part))
      }
    })
    flush()
  })
  return { messages: out, system }
}
