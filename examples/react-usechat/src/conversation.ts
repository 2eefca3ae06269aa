// The stored conversation this page continues (docs/http.md, conversations): its id comes from
// POST /v1/conversations (anonymous visitors may only use such server-issued ids) and is kept in
// localStorage, so a reload shows the chat again and picks up an answer still being written.
import type { UIMessage } from 'ai'

/** `<worker>/v1`, from the stream endpoint `<worker>/v1/chat/stream`. */
const API = (chatApi: string) => chatApi.replace(/\/chat\/stream$/, '')

const STORAGE_KEY = 'claude-edge-react-usechat'

/** What the page keeps: the conversation id, and the user message whose answer has not finished yet. */
interface Saved {
  id: string
  pending?: UIMessage
}

export interface Session {
  id: string
  /** The stored turns (plus the question being answered, when `resume`). */
  messages: UIMessage[]
  /** An answer to this page's last question may still be being written: `useChat({ resume: true })`. */
  resume: boolean
}

export const remember = (saved: Saved) => localStorage.setItem(STORAGE_KEY, JSON.stringify(saved))

const textOf = (message: UIMessage | undefined) => message?.parts.map((part) => (part.type === 'text' ? part.text : '')).join('') ?? ''

/** The kept conversation when the Worker still has it (GET /v1/conversations/:id), else a new one. */
export async function openConversation(chatApi: string, fresh = false): Promise<Session> {
  const saved = fresh ? null : (JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Saved | null)
  if (saved) {
    const response = await fetch(`${API(chatApi)}/conversations/${saved.id}`)
    if (response.ok) {
      const { ui_messages: stored } = (await response.json()) as { ui_messages: UIMessage[] }
      // A turn is stored when its answer ends: until then the question is only in `pending`. (An
      // answer that finished while the page was away is stored: resuming it would show it twice.)
      const { pending } = saved
      const running = !!pending && textOf(stored.findLast((m) => m.role === 'user')) !== textOf(pending)
      return { id: saved.id, messages: running ? [...stored, pending] : stored, resume: running }
    }
    // 404: expired, deleted, or another visitor's. Start a new one.
  }
  const response = await fetch(`${API(chatApi)}/conversations`, { method: 'POST' })
  if (!response.ok) throw new Error(`Could not start a conversation (HTTP ${response.status}).`)
  const { id } = (await response.json()) as { id: string }
  remember({ id })
  return { id, messages: [], resume: false }
}

/** POST /v1/conversations/:id/stop: ends the generation on the server (useChat's stop() only disconnects). */
export function stopConversation(chatApi: string, id: string): Promise<unknown> {
  return fetch(`${API(chatApi)}/conversations/${id}/stop`, { method: 'POST' }).catch(() => undefined)
}
