// The AI SDK's Chat (what useChat runs) without React, for tests that drive a gateway the way a
// page with useChat does.
import { AbstractChat, type ChatState, type ChatStatus, type UIMessage } from 'ai'

/** The smallest ChatState: what useChat keeps in React state, kept in plain fields. */
export class PlainState implements ChatState<UIMessage> {
  status: ChatStatus = 'ready'
  error: Error | undefined
  messages: UIMessage[] = []
  pushMessage = (m: UIMessage) => void this.messages.push(m)
  popMessage = () => void this.messages.pop()
  replaceMessage = (i: number, m: UIMessage) => void (this.messages[i] = m)
  snapshot = <T>(thing: T): T => structuredClone(thing)
}

export class TestChat extends AbstractChat<UIMessage> {}

/** A `fetch` that sends every request to `app` in process. */
export const appFetch = (app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }) =>
  (async (url: RequestInfo | URL, init?: RequestInit) => app.request(String(url), init)) as typeof fetch
