import type Anthropic from '@anthropic-ai/sdk'
import { IMAGE_MEDIA_TYPES } from '../chat/schema.ts'
import { GatewayError } from '../errors.ts'
import type { OpenAIContentPart, OpenAIMessage } from './schema.ts'

type Block = Anthropic.ContentBlockParam

/**
 * One OpenAI message as an Anthropic turn, index for index, so errors (ours and the assistant
 * binding's `messages.N.role`) name the caller's own message. System and developer messages stay
 * `role: "system"` turns until `joinTurns` moves them into `system`.
 */
export type Turn = { role: 'system'; content: string } | Conversational

type Conversational = Anthropic.UserMessageParam | Anthropic.AssistantMessageParam

const IMAGE_TYPES = new Set<string>(IMAGE_MEDIA_TYPES)
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s

function invalid(path: string, message: string): GatewayError {
  return new GatewayError('invalid_request_error', `Invalid request: ${path}: ${message}`)
}

/** Maps each message; tool calls' arguments must be JSON objects, content parts supported ones. */
export function toTurns(messages: readonly OpenAIMessage[]): Turn[] {
  return messages.map((message, i) => toTurn(message, `messages.${i}`))
}

function toTurn(message: OpenAIMessage, path: string): Turn {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(message.content, `${path}.content`) }
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string' ? message.content : message.content.map((p, j) => userBlock(p, `${path}.content.${j}`)),
      }
    case 'assistant': {
      const text = message.content == null ? '' : textOf(message.content, `${path}.content`)
      const calls = (message.tool_calls ?? []).map(
        (call, j): Anthropic.ToolUseBlockParam => ({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: toolInput(call.function.arguments, `${path}.tool_calls.${j}.function.arguments`),
        }),
      )
      return { role: 'assistant', content: [...(text ? [{ type: 'text' as const, text }] : []), ...calls] }
    }
    case 'tool':
      return {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content, `${path}.content`) }],
      }
  }
}

/** The text of string content or of text (and, for past assistant turns, refusal) parts. */
function textOf(content: string | readonly OpenAIContentPart[], path: string): string {
  if (typeof content === 'string') return content
  return content
    .map((part, j) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text
      if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal
      throw invalid(`${path}.${j}`, `expected a text part, got "${part.type}"`)
    })
    .join('')
}

/** Text, `image_url` (data: URL → base64, http(s) URL → url source) and PDF `file` parts. */
function userBlock(part: OpenAIContentPart, path: string): Block {
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalid(`${path}.text`, 'expected a string')
      return { type: 'text', text: part.text }
    case 'image_url': {
      const url = (part.image_url as { url?: unknown } | undefined)?.url
      if (typeof url !== 'string') throw invalid(`${path}.image_url.url`, 'expected a string')
      const data = DATA_URL.exec(url)
      if (data) {
        if (!IMAGE_TYPES.has(data[1]!))
          throw invalid(`${path}.image_url.url`, `unsupported image type "${data[1]}"; send jpeg, png, gif or webp`)
        return {
          type: 'image',
          source: { type: 'base64', media_type: data[1] as Anthropic.Base64ImageSource['media_type'], data: data[2]! },
        }
      }
      if (/^https?:\/\/[^\s]+$/.test(url)) return { type: 'image', source: { type: 'url', url } }
      throw invalid(`${path}.image_url.url`, 'expected a data: URL (base64) or an http(s) URL')
    }
    case 'file': {
      const file = part.file as { file_data?: unknown } | undefined
      const data = typeof file?.file_data === 'string' ? DATA_URL.exec(file.file_data) : null
      if (data?.[1] === 'application/pdf')
        return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data[2]! } }
      throw invalid(`${path}.file`, 'only PDFs sent inline as file_data (a data:application/pdf;base64 URL) are supported; file_id is not')
    }
    default:
      throw invalid(`${path}.type`, `unsupported content part "${part.type}"; send text, image_url or file parts`)
  }
}

/** A tool call's `arguments` (JSON text) as the `input` object Anthropic expects; empty means `{}`. */
function toolInput(json: string, path: string): Record<string, unknown> {
  if (!json.trim()) return {}
  let input: unknown
  try {
    input = JSON.parse(json)
  } catch {
    throw invalid(path, 'expected a JSON object as text')
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid(path, 'expected a JSON object')
  return input as Record<string, unknown>
}

/**
 * The turns as a Messages API conversation: system turns (in order) become `system`, empty turns
 * are dropped, and consecutive turns of one role merge, so the results of parallel tool calls
 * (one `tool` message each) share one user turn. In a user turn, tool results come first, as
 * the API requires.
 */
export function joinTurns(turns: readonly Turn[]): { system: string[]; messages: Conversational[] } {
  const system: string[] = []
  const messages: Conversational[] = []
  for (const turn of turns) {
    if (turn.role === 'system') {
      if (turn.content) system.push(turn.content)
      continue
    }
    if (!turn.content.length) continue
    const last = messages.at(-1)
    if (last?.role !== turn.role) {
      messages.push({ role: turn.role, content: turn.content })
      continue
    }
    const blocks = [...blocksOf(last.content), ...blocksOf(turn.content)]
    last.content = turn.role === 'user' ? [...blocks.filter(isToolResult), ...blocks.filter((b) => !isToolResult(b))] : blocks
  }
  return { system, messages }
}

const blocksOf = (content: Conversational['content']): Block[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : [...content]
const isToolResult = (block: Block) => block.type === 'tool_result'
