import type { UIFinishReason, UIMessageChunk } from '../wire/ui-message-chunk.ts'

export interface ToolPartOptions {
  /** The tool ran on Anthropic's side (server tools such as web search). */
  providerExecuted?: boolean
  /** A tool the client did not declare in its UI message types. */
  dynamic?: boolean
}

/**
 * Writes one assistant message as AI SDK UI message stream parts, keeping the protocol's order
 * rules so the `ai` reader never throws: every delta follows its start, open text and reasoning
 * parts are ended before a step or the message finishes, nothing follows `finish`.
 * Methods called after `finish` are ignored.
 */
export class UIStreamWriter {
  #open = new Map<string, 'text' | 'reasoning'>()
  #inStep = false
  #started = false
  #finished = false
  #next = 0

  constructor(private readonly sink: (part: UIMessageChunk) => void) {}

  get finished(): boolean {
    return this.#finished
  }

  /** Writes `start` (once; the other methods call it when needed). */
  start(messageMetadata?: unknown): void {
    if (this.#started || this.#finished) return
    this.#started = true
    this.sink(messageMetadata === undefined ? { type: 'start' } : { type: 'start', messageMetadata })
  }

  /** Starts a step (one model call); ends the previous one if still open. */
  startStep(): void {
    if (this.#finished) return
    this.start()
    if (this.#inStep) this.finishStep()
    this.#inStep = true
    this.sink({ type: 'start-step' })
  }

  /** Ends the current step, ending its open text and reasoning parts first. */
  finishStep(): void {
    if (this.#finished || !this.#inStep) return
    this.#endOpenParts()
    this.#inStep = false
    this.sink({ type: 'finish-step' })
  }

  /** Opens a text part and returns its id. */
  textStart(id = this.#id('text')): string {
    return this.#startPart('text', id)
  }

  textDelta(id: string, delta: string): void {
    this.#delta('text', id, delta)
  }

  textEnd(id: string): void {
    this.#endPart('text', id)
  }

  /** Opens a reasoning part (extended thinking) and returns its id. */
  reasoningStart(id = this.#id('reasoning')): string {
    return this.#startPart('reasoning', id)
  }

  reasoningDelta(id: string, delta: string): void {
    this.#delta('reasoning', id, delta)
  }

  reasoningEnd(id: string): void {
    this.#endPart('reasoning', id)
  }

  toolInputStart(toolCallId: string, toolName: string, options: ToolPartOptions = {}): void {
    if (!this.#ready()) return
    this.sink({ type: 'tool-input-start', toolCallId, toolName, ...options })
  }

  /** A fragment of the tool input's JSON text, as the model streams it. */
  toolInputDelta(toolCallId: string, inputTextDelta: string): void {
    if (this.#finished || !inputTextDelta) return
    this.sink({ type: 'tool-input-delta', toolCallId, inputTextDelta })
  }

  toolInputAvailable(toolCallId: string, toolName: string, input: unknown, options: ToolPartOptions = {}): void {
    if (!this.#ready()) return
    this.sink({ type: 'tool-input-available', toolCallId, toolName, input, ...options })
  }

  /** The model produced input that is not valid (e.g. not JSON). */
  toolInputError(toolCallId: string, toolName: string, input: unknown, errorText: string, options: ToolPartOptions = {}): void {
    if (!this.#ready()) return
    this.sink({ type: 'tool-input-error', toolCallId, toolName, input, errorText, ...options })
  }

  /** The tool's result (`preliminary` for intermediate results of a long-running tool). */
  toolOutput(toolCallId: string, output: unknown, options: ToolPartOptions & { preliminary?: boolean } = {}): void {
    if (!this.#ready()) return
    this.sink({ type: 'tool-output-available', toolCallId, output, ...options })
  }

  toolError(toolCallId: string, errorText: string, options: ToolPartOptions = {}): void {
    if (!this.#ready()) return
    this.sink({ type: 'tool-output-error', toolCallId, errorText, ...options })
  }

  /**
   * A custom data part (`data-<name>`); `transient` ones reach `useChat`'s `onData` but are not
   * added to the message (e.g. `data-queued` while a call waits for its turn).
   */
  data(name: string, data: unknown, options: { transient?: boolean } = {}): void {
    if (!this.#ready()) return
    this.sink({ type: `data-${name}`, data, ...(options.transient && { transient: true }) })
  }

  /** Merges `messageMetadata` into the message's metadata now (before `finish`). */
  metadata(messageMetadata: unknown): void {
    if (!this.#ready()) return
    this.sink({ type: 'message-metadata', messageMetadata })
  }

  /**
   * The protocol's error part: `useChat` goes to its error state with `errorText` as the
   * message. `errorText` is `"<type>: <message>"`, e.g. `overloaded_error: Claude is overloaded…`.
   * Open parts and the open step are ended first, so `finish` follows the error directly.
   */
  error(type: string, message: string): void {
    if (!this.#ready()) return
    this.finishStep()
    this.#endOpenParts()
    this.sink({ type: 'error', errorText: `${type}: ${message}` })
  }

  /** Ends open parts and the open step, then writes `finish`. Idempotent. */
  finish(finishReason: UIFinishReason, messageMetadata?: unknown): void {
    if (!this.#ready()) return
    this.finishStep()
    this.#endOpenParts()
    this.#finished = true
    this.sink(messageMetadata === undefined ? { type: 'finish', finishReason } : { type: 'finish', finishReason, messageMetadata })
  }

  #ready(): boolean {
    if (this.#finished) return false
    this.start()
    return true
  }

  #id(kind: string): string {
    return `${kind}-${this.#next++}`
  }

  #startPart(kind: 'text' | 'reasoning', id: string): string {
    if (!this.#ready() || this.#open.has(id)) return id
    this.#open.set(id, kind)
    this.sink({ type: `${kind}-start`, id })
    return id
  }

  #delta(kind: 'text' | 'reasoning', id: string, delta: string): void {
    if (this.#finished || !delta) return
    // A delta for a part that is not open would make the client throw: open it first.
    if (this.#open.get(id) !== kind) this.#startPart(kind, id)
    this.sink({ type: `${kind}-delta`, id, delta })
  }

  #endPart(kind: 'text' | 'reasoning', id: string): void {
    if (this.#finished || this.#open.get(id) !== kind) return
    this.#open.delete(id)
    this.sink({ type: `${kind}-end`, id })
  }

  #endOpenParts(): void {
    for (const [id, kind] of [...this.#open]) this.#endPart(kind, id)
  }
}
