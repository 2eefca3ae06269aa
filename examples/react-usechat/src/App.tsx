import { useChat } from '@ai-sdk/react'
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls, type UIMessage } from 'ai'
import { useEffect, useState, type FormEvent } from 'react'
import { CLIENT_TOOLS, isClientTool, runClientTool } from './client-tools.ts'
import { openConversation, remember, stopConversation, type Session } from './conversation.ts'

/** The Worker's stream endpoint, set at build time (build.ts: CHAT_API). */
declare const CHAT_API: string

const transport = new DefaultChatTransport({
  api: CHAT_API,
  // Merged into every request body next to useChat's own fields (id, messages, trigger).
  body: { model: 'fast', client_tools: CLIENT_TOOLS },
  // With signed-in users: headers: () => ({ authorization: `Bearer ${sessionToken}` }),
  // The Worker keeps the conversation (useChat's `id` is its id): send only what is new.
  prepareSendMessagesRequest: ({ id, messages, body, trigger, messageId }) => {
    const last = messages.at(-1)
    if (last?.role === 'user') {
      remember({ id, pending: last }) // until its answer ends: a reload then resumes it
      return { body: { ...body, conversation_id: id, messages: [last] } }
    }
    // Client tool outputs ride on the assistant message: send the chat with useChat's own fields;
    // the Worker takes only its last turn (the tool results) from it, the rest it has stored.
    return { body: { ...body, id, messages, trigger, messageId } }
  },
  // useChat({ resume: true }) sends GET <api>/<id>/stream: the answer still being written, or 204.
})

export function App() {
  const [session, setSession] = useState<Session | Error>()
  const open = (fresh: boolean) => openConversation(CHAT_API, fresh).then(setSession, setSession)
  useEffect(() => void open(false), [])
  if (!session) return <p className="status">Loading…</p>
  if (session instanceof Error) {
    return (
      <p role="alert" className="error">
        {session.message}
      </p>
    )
  }
  // A new key remounts the chat with its own useChat state.
  return <Chat key={session.id} session={session} onNewChat={() => void open(true)} />
}

function Chat({ session, onNewChat }: { session: Session; onNewChat: () => void }) {
  const [input, setInput] = useState('')
  const { messages, sendMessage, addToolOutput, status, stop, error } = useChat({
    id: session.id, // the conversation id from POST /v1/conversations
    messages: session.messages, // the stored turns, from GET /v1/conversations/:id
    resume: session.resume,
    transport,
    // Once every tool call of the last reply has its output, send the next request by itself.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
    onToolCall({ toolCall }) {
      // Server tools (current_time, calculator) arrive here too, already run: answer only ours.
      if (!isClientTool(toolCall.toolName)) return
      void addToolOutput({ tool: toolCall.toolName, toolCallId: toolCall.toolCallId, output: runClientTool(toolCall.toolName) })
    },
    // A disconnect (a reload, a network drop) leaves the answer running on the Worker: keep `pending`.
    onFinish: ({ isDisconnect }) => isDisconnect || remember({ id: session.id }),
  })
  const busy = status === 'submitted' || status === 'streaming'

  function onSubmit(event: FormEvent) {
    event.preventDefault()
    if (!input.trim() || busy) return
    void sendMessage({ text: input })
    setInput('')
  }

  function onStop() {
    // stop() only disconnects this page; the Worker's generation ends with the stop endpoint.
    void stop()
    void stopConversation(CHAT_API, session.id)
  }

  return (
    <main>
      <h1>useChat + claude-edge</h1>
      <button type="button" onClick={onNewChat} disabled={busy}>
        New chat
      </button>
      <ol className="messages" aria-live="polite">
        {messages.map((message) => (
          <Message key={message.id} message={message} />
        ))}
      </ol>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <form onSubmit={onSubmit}>
        <label htmlFor="prompt">Message</label>
        <input id="prompt" value={input} onChange={(e) => setInput(e.target.value)} placeholder="Ask something…" autoComplete="off" />
        {busy ? (
          <button type="button" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
      <p className="status" data-status={status}>
        {status}
      </p>
    </main>
  )
}

function Message({ message }: { message: UIMessage }) {
  return (
    <li className={`message ${message.role}`}>
      <strong>{message.role === 'user' ? 'You' : 'Claude'}</strong>
      {message.parts.map((part, i) => {
        if (part.type === 'text')
          return (
            <p key={i} className="text">
              {part.text}
            </p>
          )
        if (part.type === 'reasoning')
          return (
            <p key={i} className="reasoning">
              {part.text}
            </p>
          )
        if (part.type.startsWith('tool-') && 'toolCallId' in part) {
          const tool = part.type.slice('tool-'.length)
          return (
            <div key={i} className="tool" data-tool={tool} data-state={part.state}>
              <span className="tool-name">{tool}</span>{' '}
              <span className="tool-runs">{isClientTool(tool) ? 'in your browser' : 'on the server'}</span>{' '}
              <span className="tool-state">{part.state}</span>
              {part.state === 'output-available' && <pre className="tool-output">{JSON.stringify(part.output)}</pre>}
              {part.state === 'output-error' && <pre className="tool-output">{part.errorText}</pre>}
            </div>
          )
        }
        return null
      })}
    </li>
  )
}
