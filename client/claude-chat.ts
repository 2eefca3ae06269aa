/**
 * The `<claude-chat>` entry: importing it (or loading the built `claude-chat.js` with
 * `<script type="module">`) defines the element once.
 */
import { ClaudeChatElement } from './widget/claude-chat-element.ts'

export { ClaudeChatElement }
export { createChatClient } from './create-chat-client.ts'
export { ChatError } from './chat-error.ts'

if (typeof customElements !== 'undefined' && !customElements.get('claude-chat')) {
  customElements.define('claude-chat', ClaudeChatElement)
}

declare global {
  interface HTMLElementTagNameMap {
    'claude-chat': ClaudeChatElement
  }
}
