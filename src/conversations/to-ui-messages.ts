import type Anthropic from '@anthropic-ai/sdk'

/**
 * Stored Anthropic messages → AI SDK UI messages, the shapes `useChat` holds after streaming them
 * (the pinned `ai` package's `UIMessage`; test/conversations/to-ui-messages.test.ts checks the
 * types against it and the values against what its stream reader builds). The other direction is
 * src/chat/ui-messages.ts (`fromUIMessages`); `fromUIMessages(toUIMessages(x))` gives back the
 * text, files and tool pairs of `x`.
 */

type Obj = Record<string, unknown>

export interface UITextPart {
  type: 'text'
  text: string
  /** Set on assistant text, as the stream reader leaves it. */
  state?: 'done'
}
export interface UIReasoningPart {
  type: 'reasoning'
  text: string
  state: 'done'
}
export interface UIFilePart {
  type: 'file'
  mediaType: string
  url: string
  filename?: string
}
export interface UIStepStartPart {
  type: 'step-start'
}

type ToolState =
  | { state: 'input-available'; input: unknown }
  | { state: 'output-available'; input: unknown; output: unknown }
  | { state: 'output-error'; input: unknown; errorText: string }

/** A tool call of the gateway's tool set (`tool-<name>`), as the stream writes them. */
export type UIToolPart = { type: `tool-${string}`; toolCallId: string; providerExecuted?: boolean } & ToolState
/** A tool call as a `dynamic-tool` part (`{ dynamicTools: true }`). */
export type UIDynamicToolPart = { type: 'dynamic-tool'; toolName: string; toolCallId: string; providerExecuted?: boolean } & ToolState

export type ConversationUIPart = UITextPart | UIReasoningPart | UIFilePart | UIStepStartPart | UIToolPart | UIDynamicToolPart

export interface ConversationUIMessage {
  id: string
  role: 'user' | 'assistant'
  parts: ConversationUIPart[]
}

export interface ToUIMessagesOptions {
  /** Message ids are `<idPrefix><index of the first Anthropic message it shows>`. Default: `m`. */
  idPrefix?: string
  /** Tool calls as `dynamic-tool` parts instead of `tool-<name>` (what the gateway's stream writes). */
  dynamicTools?: boolean
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Converts stored Anthropic messages into UI messages:
 * - a user message → a user UI message (text and file parts: images and PDFs as `data:` or
 *   https URLs, text documents as `data:text/plain`);
 * - consecutive assistant messages (the steps of one answer, separated by user messages holding
 *   only `tool_result`s) → ONE assistant UI message, each step opened by a `step-start` part,
 *   with text, reasoning (thinking) and tool parts; each `tool_result` is folded into its tool
 *   part: `output-available` with `output` (JSON parsed back when the content is a JSON object
 *   or array, as the tool loop serialised it), or `output-error` with `errorText`; a call not
 *   answered yet (a client tool the caller still has to run) stays `input-available`;
 * - Anthropic-run tools (`server_tool_use` and their `…_tool_result` blocks) → tool parts with
 *   `providerExecuted: true`.
 * Redacted thinking, cache-control and citations are not shown; a user message that holds
 * tool results and text both folds the results and then shows the text as a user message.
 */
export function toUIMessages(messages: readonly Anthropic.MessageParam[], options: ToUIMessagesOptions = {}): ConversationUIMessage[] {
  const { idPrefix = 'm', dynamicTools = false } = options
  const out: ConversationUIMessage[] = []
  let answer: ConversationUIMessage | undefined
  const calls = new Map<string, Obj>()

  messages.forEach((message, index) => {
    const blocks: unknown[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content
    if (message.role === 'assistant') {
      if (!answer) {
        answer = { id: `${idPrefix}${index}`, role: 'assistant', parts: [] }
        out.push(answer)
      }
      const parts = answer.parts as unknown as Obj[]
      parts.push({ type: 'step-start' })
      for (const block of blocks) {
        if (!isObj(block)) continue
        if (block.type === 'text' && typeof block.text === 'string') parts.push({ type: 'text', text: block.text, state: 'done' })
        else if (block.type === 'thinking' && typeof block.thinking === 'string') {
          parts.push({ type: 'reasoning', text: block.thinking, state: 'done' })
        } else if ((block.type === 'tool_use' || block.type === 'server_tool_use') && typeof block.id === 'string') {
          const name = String(block.name ?? '')
          const part: Obj = {
            ...(dynamicTools ? { type: 'dynamic-tool', toolName: name } : { type: `tool-${name}` }),
            toolCallId: block.id,
            state: 'input-available',
            input: block.input ?? {},
            ...(block.type === 'server_tool_use' && { providerExecuted: true }),
          }
          calls.set(block.id, part)
          parts.push(part)
        } else if (typeof block.tool_use_id === 'string') {
          // The result of an Anthropic-run tool, in the same assistant message as its call.
          const part = calls.get(block.tool_use_id)
          if (part) settle(part, providerOutput(block))
        }
      }
      return
    }
    const shown: ConversationUIPart[] = []
    for (const block of blocks) {
      if (!isObj(block)) continue
      if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
        const part = calls.get(block.tool_use_id)
        if (part) settle(part, toolOutput(block))
        continue
      }
      const part = userPart(block)
      if (part) shown.push(part)
    }
    if (shown.length) {
      answer = undefined
      calls.clear()
      out.push({ id: `${idPrefix}${index}`, role: 'user', parts: shown })
    }
  })
  return out
}

type Outcome = { output: unknown } | { errorText: string }

function settle(part: Obj, outcome: Outcome): void {
  if ('errorText' in outcome) Object.assign(part, { state: 'output-error', errorText: outcome.errorText })
  else Object.assign(part, { state: 'output-available', output: outcome.output })
}

/** A `tool_result`: its text (JSON objects and arrays parsed back), or its blocks when it holds images or documents. */
function toolOutput(block: Obj): Outcome {
  const content = block.content
  const blocks = Array.isArray(content) ? content : []
  const allText = blocks.every((b) => isObj(b) && b.type === 'text')
  const text = typeof content === 'string' ? content : allText ? blocks.map((b) => String((b as Obj).text ?? '')).join('') : undefined
  if (block.is_error === true) return { errorText: text ?? 'Tool failed' }
  if (text === undefined) return { output: content ?? null }
  return { output: parseJsonOutput(text) }
}

/** `{…}` and `[…]` are what the tool loop wrote with JSON.stringify; anything else stays text. */
function parseJsonOutput(text: string): unknown {
  const first = text.trimStart()[0]
  if (first !== '{' && first !== '[') return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The result block of an Anthropic-run tool (web search, code execution …): its content as is. */
function providerOutput(block: Obj): Outcome {
  const content = block.content
  if (isObj(content) && typeof content.type === 'string' && content.type.endsWith('_error')) {
    return { errorText: String(content.error_code ?? content.type) }
  }
  return { output: content ?? null }
}

const IMAGE_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
}

function userPart(block: Obj): ConversationUIPart | undefined {
  if (block.type === 'text' && typeof block.text === 'string') return { type: 'text', text: block.text }
  const source = isObj(block.source) ? block.source : undefined
  if (!source) return undefined
  if (block.type === 'image') {
    if (source.type === 'base64') {
      const mediaType = String(source.media_type)
      return { type: 'file', mediaType, url: `data:${mediaType};base64,${String(source.data)}` }
    }
    if (source.type === 'url' && typeof source.url === 'string') {
      const extension = /\.([a-z]+)(?:[?#]|$)/i.exec(source.url)?.[1]?.toLowerCase() ?? ''
      return { type: 'file', mediaType: IMAGE_BY_EXTENSION[extension] ?? 'image/jpeg', url: source.url }
    }
    return undefined
  }
  if (block.type === 'document') {
    const filename = typeof block.title === 'string' ? { filename: block.title } : {}
    if (source.type === 'base64') {
      const mediaType = String(source.media_type ?? 'application/pdf')
      return { type: 'file', mediaType, url: `data:${mediaType};base64,${String(source.data)}`, ...filename }
    }
    if (source.type === 'url' && typeof source.url === 'string') {
      return { type: 'file', mediaType: 'application/pdf', url: source.url, ...filename }
    }
    if (source.type === 'text' && typeof source.data === 'string') {
      return { type: 'file', mediaType: 'text/plain', url: `data:text/plain;base64,${utf8Base64(source.data)}`, ...filename }
    }
  }
  return undefined
}

function utf8Base64(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}
