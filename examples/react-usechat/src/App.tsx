import { useChat } from '@ai-sdk/react'
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls, type UIMessage } from 'ai'
import { useState, type FormEvent } from 'react'
import { CLIENT_TOOLS, isClientTool, runClientTool } from './client-tools.ts'

/** The Worker's stream endpoint, set at build time (build.ts: CHAT_API). */
declare const CHAT_API: string

const transport = new DefaultChatTransport({
  api: CHAT_API,
  // Merged into every request body next to useChat's own fields (id, messages, trigger).
  body: { model: 'fast', client_tools: CLIENT_TOOLS },
  // With signed-in users: headers: () => ({ authorization: `Bearer ${sessionToken}` }),
})

export function App() {
  const [input, setInput] = useState('')
  const { messages, sendMessage, addToolOutput, status, stop, error } = useChat({
    transport,
    // Once every tool call of the last reply has its output, send the next request by itself.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
    onToolCall({ toolCall }) {
      // Server tools (current_time, calculator) arrive here too, already run: answer only ours.
      if (!isClientTool(toolCall.toolName)) return
      void addToolOutput({ tool: toolCall.toolName, toolCallId: toolCall.toolCallId, output: runClientTool(toolCall.toolName) })
    },
  })
  const busy = status === 'submitted' || status === 'streaming'

  function onSubmit(event: FormEvent) {
    event.preventDefault()
    if (!input.trim() || busy) return
    void sendMessage({ text: input })
    setInput('')
  }

  return (
    <main>
      <h1>useChat + claude-edge</h1>
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
          <button type="button" onClick={() => void stop()}>
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
