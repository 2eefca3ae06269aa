import type { ChatError } from '../chat-error.ts'
import type { ChatReply } from '../chat-reply.ts'
import { createChatClient, type ChatClient, type ChatRequestFields } from '../create-chat-client.ts'
import type { ChatEvent, ChatMessage, ChatResult } from '../types.ts'
import { AssistantMessage } from './assistant-message.ts'
import { describeError, fillName } from './describe-error.ts'
import { type ClaudeChatStrings, DEFAULT_STRINGS, fill } from './strings.ts'
import { styles } from './styles.ts'

export type { ClaudeChatStrings }

/** A suggested prompt of the empty state: its text, or a label shown for a longer prompt. */
export type ClaudeChatSuggestion = string | { label: string; prompt: string }

const SEND_ICON =
  '<svg viewBox="0 0 16 16" aria-hidden="true"><path fill="currentColor" d="M8 1.5a.75.75 0 0 1 .53.22l5 5a.75.75 0 1 1-1.06 1.06L8.75 4.06v9.69a.75.75 0 0 1-1.5 0V4.06L3.53 7.78a.75.75 0 0 1-1.06-1.06l5-5A.75.75 0 0 1 8 1.5Z"/></svg>'
const STOP_ICON =
  '<svg viewBox="0 0 16 16" aria-hidden="true"><rect x="3.5" y="3.5" width="9" height="9" rx="1.5" fill="currentColor"/></svg>'
const REGENERATE_ICON =
  '<svg viewBox="0 0 16 16" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" d="M13.5 8a5.5 5.5 0 1 1-1.6-3.9M13.5 2v3h-3"/></svg>'

/** Touch screens: no "Enter to send" hint, and Enter adds a line (the send button sends). */
const TOUCH = '(hover: none), (pointer: coarse)'

// Static markup only: nothing from attributes, strings or the model is ever put through innerHTML.
const TEMPLATE = `
<style>${styles}</style>
<section class="chat" part="container" aria-labelledby="title">
  <header part="header">
    <h2 id="title"></h2>
    <button type="button" class="ghost clear" part="clear-button"></button>
  </header>
  <div class="log" part="log" role="log" aria-live="polite" aria-labelledby="title" tabindex="0">
    <div class="empty" part="empty"><p class="greeting"></p><ul class="suggestions" part="suggestions" hidden></ul></div>
  </div>
  <div class="notice" part="notice" role="alert" hidden><p></p><button type="button" class="retry"></button></div>
  <p class="sr-only" role="status" id="status"></p>
  <form part="form">
    <label for="input" class="sr-only"></label>
    <div class="row">
      <textarea id="input" part="input" rows="1" autocomplete="off" aria-describedby="hint"></textarea>
      <button type="submit" class="send" part="send-button">${SEND_ICON}</button>
      <button type="button" class="stop" part="stop-button" hidden>${STOP_ICON}<span></span></button>
    </div>
    <div class="foot">
      <p class="hint" id="hint" part="hint"></p>
      <button type="button" class="ghost regenerate" part="regenerate-button" hidden>${REGENERATE_ICON}<span></span></button>
    </div>
  </form>
</section>`

/** What the widget keeps in `localStorage`: the conversation, and the message still being answered. */
interface Saved {
  id?: string
  pending?: string
  /** The pending message is answered again (regenerate): its old answer is replaced. */
  again?: boolean
}

/**
 * `<claude-chat endpoint="/v1/chat/stream" token="…">`: a streaming chat with Claude.
 *
 * Attributes: `endpoint` (default `/v1/chat/stream`), `token`, `model`, `system`, `max-tokens`,
 * `heading`, `placeholder`, `greeting`, `assistant-name`, `suggestions` (a JSON array, or texts
 * separated by `|`), `show-usage`, `conversation-id` (a stored conversation to continue),
 * `persist` (`none`: keep nothing in `localStorage`).
 * Properties: `strings` (every visible text, for localisation), `suggestions`, `getToken` (a
 * function returning a fresh token), `headers`, `messages` (read-only), `conversationId` (read-only).
 * Methods: `send(text)`, `regenerate()`, `stop()`, `clear()`, `focus()`.
 * Events (bubbling, composed): `claude-chat-finish` (detail: the `ChatResult`),
 * `claude-chat-error` (detail: the `ChatError`), `claude-chat-conversation` (detail: `{ id }`, a
 * new conversation was created).
 * While a reply streams the element has a `busy` attribute, and `queued` while its request waits
 * for a free upstream slot (a `data-queued` part).
 *
 * The conversation is stored on the server (`POST /v1/conversations`) and its id kept in
 * `localStorage` under `claude-chat:<endpoint URL>`: a reload shows it again and picks up an
 * answer still being written. Servers without conversations get the whole history each time.
 */
export class ClaudeChatElement extends HTMLElement {
  static readonly observedAttributes = ['heading', 'placeholder', 'greeting', 'assistant-name', 'suggestions']

  /** Called before each request for a fresh session token (wins over the `token` attribute). */
  getToken: (() => string | null | undefined | Promise<string | null | undefined>) | undefined
  /** Extra request headers. */
  headers: Record<string, string> | undefined

  private readonly root: ShadowRoot
  private readonly history: ChatMessage[] = []
  private reply: ChatReply | undefined
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  /** The stored conversation: undefined until the first message creates one; null when the server keeps none. */
  private conversation: string | null | undefined
  /** Settles once a stored conversation is shown (sending waits for it). */
  private restored: Promise<void> | undefined
  private custom: Partial<ClaudeChatStrings> = {}
  private text: ClaudeChatStrings = DEFAULT_STRINGS
  private prompts: ClaudeChatSuggestion[] | undefined
  /** What "Try again" does: send the input again, or regenerate. */
  private again: () => void = () => void this.send(this.input.value)
  /** A scroll to the end is due at the next frame. */
  private frame = 0

  constructor() {
    super()
    this.root = this.attachShadow({ mode: 'open' })
    this.root.innerHTML = TEMPLATE
    this.renderLabels()
    this.$('form').addEventListener('submit', (event) => {
      event.preventDefault()
      void this.send(this.input.value)
    })
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !matchMedia(TOUCH).matches) {
        event.preventDefault()
        void this.send(this.input.value)
      } else if (event.key === 'Escape' && this.reply) {
        event.preventDefault()
        this.stop()
      }
    })
    this.input.addEventListener('input', () => this.autosize())
    this.$('.stop').addEventListener('click', () => this.stop())
    this.$('.clear').addEventListener('click', () => {
      this.clear()
      this.input.focus()
    })
    this.$('.retry').addEventListener('click', () => this.again())
    this.$('.regenerate').addEventListener('click', () => void this.regenerate())
  }

  /** The conversation so far, as sent to the server. */
  get messages(): readonly ChatMessage[] {
    return this.history
  }

  /** The id of the stored conversation, once there is one. */
  get conversationId(): string | undefined {
    return this.conversation ?? undefined
  }

  /**
   * Every text the widget shows or announces (docs/browser-client.md#strings). Set any subset to
   * localise it; `{name}` stands for the assistant's name. The `heading`, `placeholder`,
   * `greeting` and `assistant-name` attributes win over it.
   */
  get strings(): ClaudeChatStrings {
    return this.text
  }

  set strings(value: Partial<ClaudeChatStrings>) {
    this.custom = { ...value }
    this.renderLabels()
  }

  /** The empty state's suggested prompts (wins over the `suggestions` attribute); clicking one sends it. */
  get suggestions(): ClaudeChatSuggestion[] {
    if (this.prompts) return this.prompts
    const attribute = this.getAttribute('suggestions')?.trim()
    if (!attribute) return []
    try {
      if (attribute.startsWith('[')) return JSON.parse(attribute) as ClaudeChatSuggestion[]
    } catch {}
    return attribute
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean)
  }

  set suggestions(value: ClaudeChatSuggestion[] | null | undefined) {
    this.prompts = value ? [...value] : undefined
    this.renderSuggestions()
  }

  attributeChangedCallback(): void {
    this.renderLabels()
  }

  connectedCallback(): void {
    this.restored ??= this.restore()
  }

  disconnectedCallback(): void {
    // Only stops reading: in a conversation the answer is still written and stored.
    this.reply?.abort()
    clearTimeout(this.retryTimer)
  }

  override focus(options?: FocusOptions): void {
    this.input.focus(options)
  }

  /** Sends `text` as the next user message. Ignored while a reply is streaming or if blank. */
  async send(text: string): Promise<void> {
    const content = text.trim()
    await this.restored
    if (!content || this.hasAttribute('busy')) return
    this.hideNotice()
    this.history.push({ role: 'user', content })
    const user = this.addUserMessage(content)
    this.input.value = ''
    this.autosize()
    this.again = () => void this.send(this.input.value)
    await this.follow(content, user, false, async (client) => {
      if (this.conversation === undefined) {
        try {
          this.conversation = (await client.createConversation()).id
          this.emit('claude-chat-conversation', { id: this.conversation })
        } catch (error) {
          // A server without conversations: send the whole history every time, as before.
          if (![400, 404, 405].includes((error as ChatError).status!)) throw error
          this.conversation = null
        }
      }
      const id = this.conversation ?? undefined
      this.save(id && { id, pending: content })
      return client.send(id ? content : this.history, { body: this.requestFields(), ...(id && { conversationId: id }) })
    })
  }

  /**
   * Answers the last user message again: its answer (complete, stopped or cut) is replaced. In a
   * stored conversation the server drops the stored answer (`trigger: "regenerate-message"`);
   * otherwise the history is sent again without it. Ignored while a reply is streaming.
   */
  async regenerate(): Promise<void> {
    await this.restored
    const index = this.history.findLastIndex((m) => m.role === 'user')
    const users = this.log.querySelectorAll<HTMLElement>('.msg.user')
    const user = users[users.length - 1]
    if (this.hasAttribute('busy') || index < 0 || !user) return
    const content = this.history[index]!.content as string
    this.history.length = index + 1
    while (user.nextElementSibling?.matches('.msg')) user.nextElementSibling.remove()
    this.hideNotice()
    this.again = () => void this.regenerate()
    await this.follow(content, user, true, async (client) => {
      const id = this.conversation ?? undefined
      if (!id) return client.send(this.history, { body: this.requestFields() })
      this.save({ id, pending: content, again: true })
      const body = { ...this.requestFields(), trigger: 'regenerate-message' }
      return client.send(content, { body, conversationId: id })
    })
  }

  /** Stops the reply that is streaming, if any: the request is cancelled, and a stored conversation's answer is stopped on the server. */
  stop(): void {
    if (!this.reply) return
    this.reply.abort()
    const id = this.conversation
    if (id) {
      this.save({ id })
      this.client()
        .stop(id)
        .catch(() => {})
    }
  }

  /** Stops any reply and starts a new, empty conversation (the next message creates it on the server). */
  clear(): void {
    this.stop()
    this.history.length = 0
    this.log.querySelectorAll('.msg, .queued').forEach((node) => node.remove())
    this.hideNotice()
    this.updateState()
    this.announce(this.text.cleared)
    if (this.conversation) {
      this.conversation = undefined
      this.save()
    }
  }

  /** Shows the stored conversation and picks up the answer this page was waiting for, if it is still being written. */
  private async restore(): Promise<void> {
    const saved = this.saved()
    const id = this.getAttribute('conversation-id') || saved.id
    if (!id) return
    this.conversation = id
    const pending = saved.id === id ? saved.pending : undefined
    const client = this.client()
    try {
      const [conversation, reply] = await Promise.all([client.loadConversation(id), pending ? client.resume(id).catch(() => null) : null])
      let lastUser: string | undefined
      let last: HTMLElement | undefined
      for (const message of conversation.uiMessages) {
        if (message.role === 'user') {
          lastUser = message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('')
          this.history.push({ role: 'user', content: lastUser })
          last = this.addUserMessage(lastUser)
        } else if (message.role === 'assistant') {
          const assistant = new AssistantMessage(this.ownerDocument, { strings: this.text })
          this.log.append(assistant.element)
          this.history.push({ role: 'assistant', content: assistant.restore(message.parts) })
          last = assistant.element
        }
      }
      this.updateState()
      this.scrollToEnd(true)
      if (pending === undefined) return
      if (saved.again && reply && last && pending === lastUser) {
        // Answered again while the page was away: the replay (from its first part) replaces the stored answer.
        if (last.matches('.assistant')) {
          last.remove()
          this.history.pop()
        }
        const users = this.log.querySelectorAll<HTMLElement>('.msg.user')
        this.again = () => void this.regenerate()
        void this.follow(pending, users[users.length - 1]!, true, async () => reply)
        return
      }
      // Already stored: the reply ended while the page was away (a replay would show it twice).
      if (pending === lastUser || !reply) {
        reply?.abort()
        if (pending !== lastUser) this.input.value = pending // never answered: give the message back
        this.save({ id })
        return
      }
      this.history.push({ role: 'user', content: pending })
      void this.follow(pending, this.addUserMessage(pending), false, async () => reply)
    } catch (cause) {
      const error = cause as ChatError
      if (error.status === 404) {
        // Expired, deleted, or another visitor's: start afresh.
        this.conversation = undefined
        this.save()
      } else this.showNotice(error, false)
    }
  }

  /**
   * Streams a reply to the user message `content` (shown as `user`) into the log. `again`: the
   * message is answered again, so a failure keeps it (nothing goes back into the input).
   */
  private async follow(
    content: string,
    user: HTMLElement,
    again: boolean,
    start: (client: ChatClient) => Promise<ChatReply>,
  ): Promise<void> {
    const assistant = new AssistantMessage(this.ownerDocument, { strings: this.text })
    this.log.append(assistant.element)
    this.setStreaming(true)
    this.announce(this.text.replying)
    this.scrollToEnd(true)
    let keep = false
    try {
      const reply = await start(this.client())
      this.reply = reply
      // Events that arrived before this point are replayed by the iteration.
      for await (const event of reply) {
        // One layout read and one scroll per frame, however many parts arrive.
        if (!this.frame) {
          const stick = this.isNearEnd()
          this.frame = requestAnimationFrame(() => {
            this.frame = 0
            if (stick) this.scrollToEnd(true)
          })
        }
        this.showQueued(assistant, event)
        assistant.apply(event)
      }
      const result = await reply.result
      if (result.text) this.history.push({ role: 'assistant', content: result.text })
      this.showQueued(assistant)
      assistant.end({ result, showUsage: this.hasAttribute('show-usage') })
      this.announce(this.text.replied)
      this.emit('claude-chat-finish', result)
    } catch (cause) {
      const error = cause as ChatError
      this.showQueued(assistant)
      // A dropped connection may still be answered on the server: a reload picks it up.
      keep = ['network_error', 'incomplete', 'aborted'].includes(error.type)
      if (error.status === 404 && this.conversation) this.conversation = undefined // expired: the next message starts a new one
      const partial = error.partialText
      if (assistant.isEmpty) {
        assistant.element.remove()
        if (!again) {
          // Nothing arrived: take the message back, so sending again is one key press.
          this.history.pop()
          user.remove()
          if (!this.input.value) this.input.value = content
          this.autosize()
        }
      } else {
        if (partial) this.history.push({ role: 'assistant', content: partial })
        assistant.end({ note: error.type === 'aborted' ? this.text.stopped : this.text.incomplete })
      }
      if (error.type === 'aborted') this.announce(`${this.text.stopped}.`)
      else {
        this.announce('')
        this.showNotice(error, assistant.isEmpty)
        this.emit('claude-chat-error', error)
      }
    } finally {
      if (this.conversation && !keep) this.save({ id: this.conversation })
      this.reply = undefined
      this.setStreaming(false)
      this.scrollToEnd()
      this.restoreFocus()
    }
  }

  /** Shows "Waiting for a free slot…" under `assistant` from a `data-queued` part until content arrives (no `event`: the reply ended). */
  private showQueued(assistant: AssistantMessage, event?: ChatEvent): void {
    const type = event?.type
    if (type === 'data' && event.name === 'queued') {
      let line = assistant.element.nextElementSibling
      if (!line?.matches('.queued')) {
        line = this.ownerDocument.createElement('p')
        line.className = 'queued'
        line.setAttribute('part', 'queued')
        assistant.element.after(line)
      }
      const { position } = (event.data ?? {}) as { position?: number }
      line.textContent = fill(this.text.queued, { position })
      this.toggleAttribute('queued', true)
    } else if (!type || type === 'text' || type === 'reasoning' || type.startsWith('tool')) {
      this.log.querySelector('.queued')?.remove()
      this.toggleAttribute('queued', false)
    }
  }

  private client(): ChatClient {
    return createChatClient({
      endpoint: this.endpoint,
      ...(this.getAttribute('token') ? { token: this.getAttribute('token')! } : {}),
      ...(this.getToken ? { getToken: this.getToken } : {}),
      ...(this.headers ? { headers: this.headers } : {}),
    })
  }

  private get endpoint(): string {
    return this.getAttribute('endpoint') || '/v1/chat/stream'
  }

  /** `localStorage` key, or undefined with `persist="none"`. */
  private get storageKey(): string | undefined {
    return this.getAttribute('persist') === 'none' ? undefined : `claude-chat:${new URL(this.endpoint, this.ownerDocument.baseURI).href}`
  }

  private saved(): Saved {
    const key = this.storageKey
    try {
      return (key && (JSON.parse(localStorage.getItem(key)!) as Saved | null)) || {}
    } catch {
      return {} // storage disabled, or not ours
    }
  }

  /** Keeps `state` in `localStorage` (removes it when undefined). Storage may be unavailable: then nothing is kept. */
  private save(state?: Saved | '' | undefined): void {
    const key = this.storageKey
    try {
      if (key) state ? localStorage.setItem(key, JSON.stringify(state)) : localStorage.removeItem(key)
    } catch {}
  }

  private requestFields(): ChatRequestFields {
    const fields: ChatRequestFields = {}
    const model = this.getAttribute('model')
    const system = this.getAttribute('system')
    const maxTokens = Number(this.getAttribute('max-tokens'))
    if (model) fields.model = model
    if (system) fields.system = system
    if (Number.isInteger(maxTokens) && maxTokens > 0) fields.max_tokens = maxTokens
    return fields
  }

  private addUserMessage(content: string): HTMLElement {
    const article = this.ownerDocument.createElement('article')
    article.className = 'msg user'
    const label = this.ownerDocument.createElement('h3')
    label.className = 'sr-only'
    label.textContent = this.text.you
    const body = this.ownerDocument.createElement('div')
    body.textContent = content
    article.append(label, body)
    this.log.append(article)
    this.updateState()
    return article
  }

  private showNotice(error: ChatError, canResend: boolean): void {
    const { message, retryAt, canRetry } = describeError(error, new Date(), this.text, this.locale)
    const notice = this.$('.notice')
    const text = notice.querySelector('p')!
    text.textContent = message
    if (error.requestId) {
      const ref = this.ownerDocument.createElement('span')
      ref.className = 'ref'
      ref.textContent = fill(this.text.reference, { id: error.requestId })
      text.append(ref)
    }
    const retry = this.$<HTMLButtonElement>('.retry')
    retry.hidden = !(canRetry && canResend)
    clearTimeout(this.retryTimer)
    const wait = retryAt ? retryAt.getTime() - Date.now() : 0
    retry.disabled = wait > 0
    if (wait > 0) this.retryTimer = setTimeout(() => (retry.disabled = false), Math.min(wait, 2 ** 31 - 1))
    notice.hidden = false
    this.scrollToEnd(true) // the notice takes room from the log: keep the latest turn in view
  }

  private hideNotice(): void {
    clearTimeout(this.retryTimer)
    this.$('.notice').hidden = true
  }

  private setStreaming(streaming: boolean): void {
    this.$('.send').hidden = streaming
    this.$('.stop').hidden = !streaming
    this.toggleAttribute('busy', streaming)
    this.updateState()
  }

  /** The empty state while the log has no turns; Regenerate once there is one and nothing streams. */
  private updateState(): void {
    const empty = !this.log.querySelector('.msg')
    this.$('.empty').hidden = !empty
    this.$('.regenerate').hidden = empty || this.hasAttribute('busy')
  }

  /** After a reply, typing can go on at once, unless the person has moved elsewhere on the page. */
  private restoreFocus(): void {
    const active = this.ownerDocument.activeElement
    if (active === this || active === this.ownerDocument.body || active === null) this.input.focus()
  }

  private announce(text: string): void {
    this.$('#status').textContent = text
  }

  private emit(type: string, detail: ChatResult | ChatError | { id: string }): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
  }

  /** The page's language (for durations and times in errors); English by default, as the strings are. */
  private get locale(): string {
    return this.closest('[lang]')?.getAttribute('lang') || 'en'
  }

  private renderLabels(): void {
    const attr = (name: string) => this.getAttribute(name) || undefined
    const custom = this.custom
    const heading = attr('heading') ?? custom.heading
    const name = attr('assistant-name') ?? custom.name
    const text = fillName({
      ...DEFAULT_STRINGS,
      // "Ask Acme" over "Ask Claude anything…" would contradict itself: a custom heading alone gets a neutral placeholder.
      ...(heading && !name && { placeholder: custom.neutralPlaceholder ?? DEFAULT_STRINGS.neutralPlaceholder }),
      ...custom,
      ...(name && { name }),
      ...(heading && { heading }),
      ...(attr('placeholder') && { placeholder: attr('placeholder') }),
      ...(attr('greeting') && { greeting: attr('greeting') }),
    } as ClaudeChatStrings)
    this.text = text
    this.$('#title').textContent = text.heading
    this.input.placeholder = text.placeholder
    this.$('.greeting').textContent = text.greeting
    this.$('label').textContent = text.inputLabel
    this.$('.clear').textContent = text.newChat
    this.$('.retry').textContent = text.tryAgain
    this.$('.hint').textContent = text.hint
    this.$('.regenerate span').textContent = text.regenerate
    this.$('.stop span').textContent = text.stop
    this.$('.suggestions').setAttribute('aria-label', text.suggestions)
    for (const [selector, label, title] of [
      ['.send', text.send, text.sendTitle],
      ['.stop', text.stopLabel, text.stopTitle],
    ] as const) {
      this.$(selector).setAttribute('aria-label', label)
      this.$(selector).title = title
    }
    this.renderSuggestions()
  }

  private renderSuggestions(): void {
    const list = this.$('.suggestions')
    const items = this.suggestions.map((suggestion) => {
      const { label, prompt } = typeof suggestion === 'string' ? { label: suggestion, prompt: suggestion } : suggestion
      const item = this.ownerDocument.createElement('li')
      const button = this.ownerDocument.createElement('button')
      button.type = 'button'
      button.className = 'suggestion'
      button.textContent = label
      button.addEventListener('click', () => void this.send(prompt))
      item.append(button)
      return item
    })
    list.replaceChildren(...items)
    list.hidden = items.length === 0
  }

  private autosize(): void {
    this.input.style.height = 'auto'
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 180)}px`
  }

  private isNearEnd(): boolean {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 48
  }

  private scrollToEnd(force = false): void {
    if (force || this.isNearEnd()) this.log.scrollTo({ top: this.log.scrollHeight, behavior: 'instant' })
  }

  private get input(): HTMLTextAreaElement {
    return this.$('textarea')
  }

  private get log(): HTMLElement {
    return this.$('.log')
  }

  private $<E extends HTMLElement = HTMLElement>(selector: string): E {
    return this.root.querySelector<E>(selector)!
  }
}
