import type { ChatEvent, ChatResult, ToolCall, UIMessagePart } from '../types.ts'
import { renderMarkdown } from './render-markdown.ts'

const TOOL_STATUS: Record<ToolCall['state'], string> = {
  'input-streaming': 'Preparing…',
  'input-available': 'Running…',
  'output-available': 'Done',
  'output-error': 'Failed',
}

/** One assistant reply in the transcript: text, reasoning and tool calls in arrival order. */
export class AssistantMessage {
  readonly element: HTMLElement
  private readonly body: HTMLElement
  private readonly typing: HTMLElement
  private readonly parts = new Map<string, HTMLElement>()

  constructor(doc: Document) {
    this.element = el(doc, 'article', 'msg assistant')
    this.element.setAttribute('aria-busy', 'true')
    const label = el(doc, 'h3', 'sr-only')
    label.textContent = 'Claude said:'
    this.body = el(doc, 'div', 'body')
    this.typing = el(doc, 'div', 'typing')
    this.typing.setAttribute('aria-hidden', 'true')
    this.typing.append(el(doc, 'span'), el(doc, 'span'), el(doc, 'span'))
    this.element.append(label, this.body, this.typing)
  }

  get isEmpty(): boolean {
    return this.parts.size === 0
  }

  apply(event: ChatEvent): void {
    switch (event.type) {
      case 'text': {
        const part = this.part(`text:${event.id}`, () => el(this.doc, 'div', 'part text'))
        part.replaceChildren(renderMarkdown(event.text, this.doc))
        break
      }
      case 'reasoning': {
        const part = this.part(`reasoning:${event.id}`, () => {
          const details = el(this.doc, 'details', 'part reasoning')
          const summary = el(this.doc, 'summary')
          summary.textContent = 'Thinking'
          details.append(summary, el(this.doc, 'div', 'reasoning-text'))
          return details
        })
        part.querySelector('.reasoning-text')!.replaceChildren(renderMarkdown(event.text, this.doc))
        break
      }
      case 'tool-input-start':
      case 'tool-input-delta':
      case 'tool-call':
      case 'tool-result':
      case 'tool-error':
        this.renderTool(event.toolCall)
        break
    }
  }

  /** Shows a stored answer (AI SDK UI message parts) as complete; returns its text. */
  restore(parts: readonly UIMessagePart[]): string {
    const texts: string[] = []
    parts.forEach((part, i) => {
      const { type, text = '' } = part
      if (type === 'text' || type === 'reasoning') {
        this.apply({ type, id: `${i}`, delta: '', text })
        if (type === 'text') texts.push(text)
      } else if (part.toolCallId) this.renderTool({ toolName: part.toolName ?? type.slice(5), inputText: '', ...part } as ToolCall)
    })
    this.end()
    return texts.join('\n\n')
  }

  /** Marks the reply complete; `note` is shown under it (e.g. "Stopped"). */
  end(options: { note?: string; result?: ChatResult; showUsage?: boolean } = {}): void {
    this.typing.remove()
    this.element.setAttribute('aria-busy', 'false')
    const { note, result, showUsage } = options
    if (note) {
      const flag = el(this.doc, 'p', 'flag')
      flag.textContent = note
      this.element.append(flag)
    }
    if (result && showUsage) {
      const bits: string[] = []
      if (result.model) bits.push(result.model)
      if (result.usage) bits.push(`${(result.usage.input_tokens + result.usage.output_tokens).toLocaleString()} tokens`)
      if (result.costUsd !== undefined) bits.push(`$${result.costUsd.toFixed(4)}`)
      if (bits.length) {
        const meta = el(this.doc, 'p', 'meta')
        meta.textContent = bits.join(' · ')
        this.element.append(meta)
      }
    }
  }

  private get doc(): Document {
    return this.element.ownerDocument
  }

  private part(key: string, create: () => HTMLElement): HTMLElement {
    let part = this.parts.get(key)
    if (!part) {
      part = create()
      this.parts.set(key, part)
      this.body.append(part)
      this.typing.hidden = true
    }
    return part
  }

  private renderTool(call: ToolCall): void {
    const card = this.part(`tool:${call.toolCallId}`, () => {
      const card = el(this.doc, 'div', 'part tool')
      card.setAttribute('role', 'group')
      const head = el(this.doc, 'div', 'tool-head')
      head.append(el(this.doc, 'span', 'tool-label'), el(this.doc, 'span', 'tool-name'), el(this.doc, 'span', 'tool-status'))
      const details = el(this.doc, 'details')
      const summary = el(this.doc, 'summary')
      summary.textContent = 'Details'
      details.append(summary, el(this.doc, 'pre', 'tool-io'))
      card.append(head, details)
      return card
    })
    card.dataset.state = call.state
    card.setAttribute('aria-label', `Tool ${call.toolName}: ${TOOL_STATUS[call.state]}`)
    card.querySelector('.tool-label')!.textContent = 'Tool'
    card.querySelector('.tool-name')!.textContent = call.toolName
    card.querySelector('.tool-status')!.textContent = TOOL_STATUS[call.state]
    const io: string[] = []
    const input = call.input !== undefined ? pretty(call.input) : call.inputText
    if (input) io.push(`Input:\n${input}`)
    if (call.state === 'output-available') io.push(`Result:\n${pretty(call.output)}`)
    if (call.state === 'output-error') io.push(`Error:\n${call.errorText ?? ''}`)
    card.querySelector('.tool-io')!.textContent = io.join('\n\n')
  }
}

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className?: string): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag)
  if (className) element.className = className
  return element
}

function pretty(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value, null, 2) ?? String(value)
  } catch {
    return String(value)
  }
}
