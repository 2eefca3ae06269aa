import { ChatError } from './chat-error.ts'
import type { ChatEvent, ChatMetadata, ChatResult, FinishReason, ReplyPart, ToolCall } from './types.ts'
import { DONE, type Done, type UIMessageChunk } from './ui-message-chunk.ts'

/**
 * Folds the parts of one UI message stream into a reply and the events a caller sees.
 * Pure and synchronous: feed it parts, get events back; `end()` checks the stream finished.
 */
export class ReplyAccumulator {
  readonly parts: ReplyPart[] = []
  /** True once any text, reasoning or tool call arrived: a retry would then repeat it. */
  hasContent = false
  private readonly texts = new Map<string, TextPart>()
  private readonly tools = new Map<string, ToolCall>()
  private metadata: ChatMetadata = {}
  private messageId: string | undefined
  private finishReason: FinishReason | undefined
  private finished = false
  private done = false

  /** Throws a `ChatError` for an `error` or `abort` part, or for a part after `[DONE]`. */
  apply(chunk: UIMessageChunk | Done): ChatEvent[] {
    if (chunk === DONE) {
      this.done = true
      return []
    }
    if (this.done) throw new ChatError({ type: 'protocol_error', message: 'The server sent data after [DONE].' })
    const c = chunk as Record<string, unknown>
    switch (chunk.type) {
      case 'start':
        this.messageId = str(c.messageId) ?? this.messageId
        return [{ type: 'start', messageId: this.messageId }, ...this.mergeMetadata(c.messageMetadata)]
      case 'start-step':
        return [{ type: 'step-start' }]
      case 'finish-step':
        return [{ type: 'step-finish' }]
      case 'text-start':
      case 'reasoning-start':
        this.textPart(chunk.type === 'text-start' ? 'text' : 'reasoning', str(c.id) ?? '')
        return []
      case 'text-delta':
      case 'reasoning-delta': {
        const kind = chunk.type === 'text-delta' ? 'text' : 'reasoning'
        const part = this.textPart(kind, str(c.id) ?? '')
        const delta = str(c.delta) ?? ''
        part.text += delta
        this.hasContent = true
        return delta === '' ? [] : [{ type: kind, id: part.id, delta, text: part.text }]
      }
      case 'text-end':
      case 'reasoning-end':
        return []
      case 'tool-input-start': {
        const call = this.toolCall(c)
        call.state = 'input-streaming'
        return [{ type: 'tool-input-start', toolCall: call }]
      }
      case 'tool-input-delta': {
        const call = this.toolCall(c)
        const delta = str(c.inputTextDelta) ?? ''
        call.inputText += delta
        return [{ type: 'tool-input-delta', toolCall: call, delta }]
      }
      case 'tool-input-available': {
        const call = this.toolCall(c)
        call.state = 'input-available'
        call.input = c.input
        return [{ type: 'tool-call', toolCall: call }]
      }
      case 'tool-input-error': {
        const call = this.toolCall(c)
        call.input = c.input
        call.state = 'output-error'
        call.errorText = str(c.errorText) ?? 'Invalid tool input.'
        return [{ type: 'tool-error', toolCall: call }]
      }
      case 'tool-output-available': {
        const call = this.toolCall(c)
        call.state = 'output-available'
        call.output = c.output
        return [{ type: 'tool-result', toolCall: call }]
      }
      case 'tool-output-error': {
        const call = this.toolCall(c)
        call.state = 'output-error'
        call.errorText = str(c.errorText) ?? 'The tool failed.'
        return [{ type: 'tool-error', toolCall: call }]
      }
      case 'message-metadata':
        return this.mergeMetadata(c.messageMetadata)
      case 'finish':
        this.finished = true
        this.finishReason = str(c.finishReason) as FinishReason | undefined
        return this.mergeMetadata(c.messageMetadata)
      case 'error':
        throw new ChatError({ ...parseErrorText(str(c.errorText) ?? ''), partialText: this.text })
      case 'abort':
        throw new ChatError({
          type: 'aborted',
          message: str(c.reason) ?? 'The server stopped the reply.',
          partialText: this.text,
        })
      default:
        return chunk.type.startsWith('data-')
          ? [
              {
                type: 'data',
                name: chunk.type.slice(5),
                data: c.data,
                ...(typeof c.id === 'string' && { id: c.id }),
                ...(c.transient === true && { transient: true }),
              },
            ]
          : []
    }
  }

  /** Call when the stream closed. Returns the reply, or throws `incomplete` without a finish part. */
  end(): ChatResult {
    if (!this.finished) {
      throw new ChatError({
        type: 'incomplete',
        message: 'The stream ended before the reply finished.',
        partialText: this.text,
        ...(this.metadata.request_id === undefined ? {} : { requestId: this.metadata.request_id }),
      })
    }
    return this.result()
  }

  get text(): string {
    return this.joined('text')
  }

  private result(): ChatResult {
    const m = this.metadata
    return {
      text: this.text,
      reasoning: this.joined('reasoning'),
      parts: this.parts,
      toolCalls: [...this.tools.values()],
      finishReason: this.finishReason,
      messageId: this.messageId,
      metadata: m,
      model: m.model ?? undefined,
      usage: m.usage,
      costUsd: m.cost_usd,
      requestId: m.request_id,
      object: m.object,
    }
  }

  private joined(kind: 'text' | 'reasoning'): string {
    const texts: string[] = []
    for (const part of this.parts) if (part.type === kind && part.text !== '') texts.push(part.text)
    return texts.join('\n\n')
  }

  /** Lenient: a delta without its start part opens the part instead of failing the reply. */
  private textPart(kind: 'text' | 'reasoning', id: string): TextPart {
    const key = `${kind}:${id}`
    let part = this.texts.get(key)
    if (!part) {
      part = { type: kind, id, text: '' } as TextPart
      this.texts.set(key, part)
      this.parts.push(part)
    }
    return part
  }

  private toolCall(c: Record<string, unknown>): ToolCall {
    const id = str(c.toolCallId) ?? ''
    let call = this.tools.get(id)
    if (!call) {
      call = { toolCallId: id, toolName: str(c.toolName) ?? 'tool', state: 'input-streaming', inputText: '' }
      this.tools.set(id, call)
      this.parts.push({ type: 'tool', toolCall: call })
    }
    if (typeof c.toolName === 'string') call.toolName = c.toolName
    if (typeof c.providerExecuted === 'boolean') call.providerExecuted = c.providerExecuted
    this.hasContent = true
    return call
  }

  private mergeMetadata(value: unknown): ChatEvent[] {
    if (typeof value !== 'object' || value === null) return []
    this.metadata = { ...this.metadata, ...(value as ChatMetadata) }
    return [{ type: 'metadata', metadata: this.metadata }]
  }
}

type TextPart = Extract<ReplyPart, { type: 'text' | 'reasoning' }>

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/**
 * The protocol's `error` part only has `errorText`. The server writes it as
 * `"<error type>: <message>"` (e.g. `overloaded_error: …`, or `interrupted: …` for a generation a
 * restart cut short) or as the JSON error body; plain text is kept as the message of a `stream_error`.
 */
export function parseErrorText(errorText: string): { type: string; message: string; requestId?: string } {
  const text = errorText.trim()
  if (text.startsWith('{')) {
    try {
      const body = JSON.parse(text) as { error?: { type?: unknown; message?: unknown }; request_id?: unknown }
      if (body.error && typeof body.error.type === 'string') {
        return {
          type: body.error.type,
          message: typeof body.error.message === 'string' ? body.error.message : body.error.type,
          ...(typeof body.request_id === 'string' ? { requestId: body.request_id } : {}),
        }
      }
    } catch {
      // not JSON after all: fall through and keep the text
    }
  }
  const match = /^([a-z][a-z_]*_error|incomplete|interrupted)\s*:\s*([\s\S]*)$/.exec(text)
  if (match) return { type: match[1]!, message: match[2]! || match[1]! }
  return { type: 'stream_error', message: text || 'The reply failed.' }
}
