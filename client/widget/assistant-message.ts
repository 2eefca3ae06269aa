import type { ChatEvent, ChatResult, ToolCall, UIMessagePart } from '../types.ts'
import { formatCost } from './format-cost.ts'
import { FrameScheduler, type FrameHost } from './frame-scheduler.ts'
import { safeHref } from './markdown.ts'
import { copyButton, highlightLater, MarkdownView } from './render-markdown.ts'
import { type ClaudeChatStrings, DEFAULT_STRINGS } from './strings.ts'

/**
 * The texts of a reply: the widget's own `strings` (strings.ts) of these names, so the element
 * passes its strings as they are. `{name}` in `assistant` is replaced by `name`, `{count}` in
 * `tokens` by the number.
 */
export type MessageStrings = Pick<
  ClaudeChatStrings,
  | 'name'
  | 'assistant'
  | 'thinking'
  | 'tool'
  | 'toolDetails'
  | 'toolPreparing'
  | 'toolRunning'
  | 'toolDone'
  | 'toolFailed'
  | 'toolInput'
  | 'toolResult'
  | 'toolError'
  | 'copy'
  | 'copyCode'
  | 'copyMessage'
  | 'copied'
  | 'copyFailed'
  | 'tokens'
  | 'attachment'
>

/**
 * A file in a reply (an AI SDK `file` part). A placeholder until the gateway handles files: it
 * shows the file's name and type, linked when its URL is http(s).
 */
export interface FilePart {
  type: 'file'
  mediaType?: string
  filename?: string
  url?: string
}

export interface AssistantMessageOptions {
  strings?: Partial<MessageStrings>
  /** Timers for rendering (tests); the window's by default. */
  frames?: FrameHost
}

/** A text or reasoning part: its whole text so far, and what the next render adds. */
interface TextPart {
  view: MarkdownView
  text: string
  /** Text that arrived since the last render. */
  pending: string
  /** Set when the text did not continue the last one: rendered afresh. */
  reset: boolean
}

/**
 * One assistant reply in the transcript: text, reasoning, tool calls (and files) in arrival order.
 *
 * Rendering is batched: `apply()` only records what arrived, and the message renders at most once
 * per animation frame, parsing only the Markdown blocks still open (see `MarkdownView`), so a
 * long reply costs time in proportion to what arrived, not to its length times its deltas.
 */
export class AssistantMessage {
  readonly element: HTMLElement
  /** Buttons under a finished reply (Copy); the element may add its own (e.g. Regenerate). */
  readonly actions: HTMLElement
  private readonly body: HTMLElement
  private readonly typing: HTMLElement
  private readonly parts = new Map<string, HTMLElement>()
  private readonly texts = new Map<string, TextPart & { kind: 'text' | 'reasoning' }>()
  private readonly dirtyTexts = new Set<TextPart>()
  private readonly dirtyTools = new Map<string, ToolCall>()
  private readonly strings: MessageStrings
  private readonly frames: FrameScheduler

  constructor(doc: Document, options: AssistantMessageOptions = {}) {
    this.strings = { ...DEFAULT_STRINGS, ...options.strings }
    this.frames = new FrameScheduler(() => this.render(), options.frames ?? doc.defaultView ?? undefined)
    this.element = el(doc, 'article', 'msg assistant')
    this.element.setAttribute('aria-busy', 'true')
    const label = el(doc, 'h3', 'sr-only')
    label.textContent = this.strings.assistant.replace('{name}', this.strings.name)
    this.body = el(doc, 'div', 'body')
    this.typing = el(doc, 'div', 'typing')
    this.typing.setAttribute('aria-hidden', 'true')
    this.typing.append(el(doc, 'span'), el(doc, 'span'), el(doc, 'span'))
    this.actions = el(doc, 'div', 'msg-actions')
    this.actions.hidden = true
    this.element.append(label, this.body, this.typing)
  }

  get isEmpty(): boolean {
    return this.parts.size === 0
  }

  /** Records an event of the reply; it shows at the next animation frame. */
  apply(event: ChatEvent): void {
    switch (event.type) {
      case 'text':
      case 'reasoning':
        this.setText(event.type, event.id, event.text, event.delta)
        break
      case 'tool-input-start':
      case 'tool-input-delta':
      case 'tool-call':
      case 'tool-result':
      case 'tool-error':
        this.toolCard(event.toolCall)
        this.dirtyTools.set(event.toolCall.toolCallId, event.toolCall)
        this.frames.request()
        break
    }
  }

  /** Shows a file of the reply (a placeholder; see `FilePart`). */
  addFile(file: FilePart, key = `file:${this.parts.size}`): void {
    const part = this.part(key, () => el(this.doc, 'div', 'part file'))
    const name = file.filename || file.mediaType || 'file'
    const href = file.url && /^https?:/i.test(file.url) ? safeHref(file.url) : undefined
    const label = el(this.doc, href ? 'a' : 'span', 'file-name')
    label.textContent = `${this.strings.attachment}: ${name}`
    if (href) Object.assign(label as HTMLAnchorElement, { href, target: '_blank', rel: 'noopener noreferrer nofollow' })
    part.replaceChildren(label)
  }

  /** Shows a stored answer (AI SDK UI message parts) as complete; returns its text. */
  restore(parts: readonly UIMessagePart[]): string {
    parts.forEach((part, i) => {
      const { type, text = '' } = part
      if (type === 'text' || type === 'reasoning') this.setText(type, `${i}`, text, text)
      else if (type === 'file') this.addFile(part as FilePart, `file:${i}`)
      else if (part.toolCallId) {
        const call = { toolName: part.toolName ?? type.slice(5), inputText: '', ...part } as ToolCall
        this.toolCard(call)
        this.dirtyTools.set(call.toolCallId, call)
      }
    })
    this.end()
    return this.text
  }

  /** Marks the reply complete; `note` is shown under it (e.g. "Stopped"). */
  end(options: { note?: string; result?: ChatResult; showUsage?: boolean } = {}): void {
    this.frames.flush()
    for (const part of this.texts.values()) part.view.finish()
    this.typing.remove()
    this.element.setAttribute('aria-busy', 'false')
    const { note, result, showUsage } = options
    if (note) {
      const flag = el(this.doc, 'p', 'flag')
      flag.textContent = note
      this.element.append(flag)
    }
    const clipboard = this.doc.defaultView?.navigator.clipboard
    if (clipboard && this.text) {
      this.actions.append(copyButton(this.doc, clipboard, () => this.text, this.strings, this.strings.copyMessage))
    }
    if (result && showUsage) {
      const bits: string[] = []
      if (result.model) bits.push(result.model)
      if (result.usage) {
        const count = (result.usage.input_tokens + result.usage.output_tokens).toLocaleString()
        bits.push(this.strings.tokens.replace('{count}', count))
      }
      if (result.costUsd !== undefined) bits.push(formatCost(result.costUsd))
      if (bits.length) {
        const meta = el(this.doc, 'p', 'meta')
        meta.textContent = bits.join(' · ')
        this.actions.append(meta)
      }
    }
    if (this.actions.childElementCount) {
      this.actions.hidden = false
      this.element.append(this.actions)
    }
  }

  /** The reply's text parts, joined by a blank line (the Markdown source). */
  get text(): string {
    const texts: string[] = []
    for (const part of this.texts.values()) if (part.kind === 'text' && part.text) texts.push(part.text)
    return texts.join('\n\n')
  }

  private get doc(): Document {
    return this.element.ownerDocument
  }

  private setText(kind: 'text' | 'reasoning', id: string, text: string, delta: string): void {
    const key = `${kind}:${id}`
    let part = this.texts.get(key)
    if (!part) {
      // A part shows once it has something to read: no empty "Thinking" (models often send one).
      if (text.trim() === '') return
      const container = el(this.doc, 'div', kind === 'text' ? 'part text' : 'reasoning-text')
      this.part(key, () => {
        if (kind === 'text') return container
        const details = el(this.doc, 'details', 'part reasoning')
        const summary = el(this.doc, 'summary')
        summary.textContent = this.strings.thinking
        details.append(summary, container)
        return details
      })
      const view = new MarkdownView(container, { strings: this.strings, onCode: highlightLater })
      part = { kind, view, text: '', pending: '', reset: false }
      this.texts.set(key, part)
    }
    // A continuation adds the delta (no need to look at the whole text); anything else starts over.
    if (!part.reset && text.length === part.text.length + delta.length) part.pending += delta
    else {
      part.reset = true
      part.pending = ''
    }
    part.text = text
    this.dirtyTexts.add(part)
    this.frames.request()
  }

  /** Renders what arrived since the last frame, keeping the log scrolled to the end if it was. */
  private render(): void {
    const log = this.element.parentElement
    const atEnd = log !== null && log.scrollHeight - log.scrollTop - log.clientHeight < 48
    for (const part of this.dirtyTexts) {
      if (part.reset) part.view.reset(part.text)
      else part.view.append(part.pending)
      part.pending = ''
      part.reset = false
    }
    this.dirtyTexts.clear()
    for (const call of this.dirtyTools.values()) this.renderTool(call)
    this.dirtyTools.clear()
    if (atEnd && log.scrollHeight - log.scrollTop - log.clientHeight >= 1) log.scrollTo({ top: log.scrollHeight, behavior: 'instant' })
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

  private toolCard(call: ToolCall): HTMLElement {
    return this.part(`tool:${call.toolCallId}`, () => {
      const card = el(this.doc, 'div', 'part tool')
      card.setAttribute('role', 'group')
      const head = el(this.doc, 'div', 'tool-head')
      head.append(el(this.doc, 'span', 'tool-label'), el(this.doc, 'span', 'tool-name'), el(this.doc, 'span', 'tool-status'))
      const details = el(this.doc, 'details')
      const summary = el(this.doc, 'summary')
      summary.textContent = this.strings.toolDetails
      details.append(summary, el(this.doc, 'pre', 'tool-io'))
      card.append(head, details)
      return card
    })
  }

  private renderTool(call: ToolCall): void {
    const card = this.toolCard(call)
    const s = this.strings
    const status = {
      'input-streaming': s.toolPreparing,
      'input-available': s.toolRunning,
      'output-available': s.toolDone,
      'output-error': s.toolFailed,
    }[call.state]
    card.dataset.state = call.state
    card.setAttribute('aria-label', `${s.tool} ${call.toolName}: ${status}`)
    card.querySelector('.tool-label')!.textContent = s.tool
    card.querySelector('.tool-name')!.textContent = call.toolName
    card.querySelector('.tool-status')!.textContent = status
    const io: string[] = []
    const input = call.input !== undefined ? pretty(call.input) : call.inputText
    if (input) io.push(`${s.toolInput}\n${input}`)
    if (call.state === 'output-available') io.push(`${s.toolResult}\n${pretty(call.output)}`)
    if (call.state === 'output-error') io.push(`${s.toolError}\n${call.errorText ?? ''}`)
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
