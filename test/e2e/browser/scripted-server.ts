import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

/**
 * A stand-in for the Worker while its stream endpoint is built: serves the demo page and the
 * widget bundle, and answers POST /v1/chat/stream with UI message streams scripted by the last
 * user message (`hello`, `slow`, `tool`, `markdown`, `drop-once`, `rate`, `budget`). It has no
 * conversations API (`POST /v1/conversations` is a 404), so the widget sends the whole history
 * every time, as it does with any server without conversations.
 */
export interface ScriptedServer {
  url: string
  /** Every POST body and its authorization header, in order. */
  requests: { body: { messages: { role: string; content: unknown }[] }; authorization: string | undefined }[]
  /** Lets the `hello` script write its next delta (it writes nothing on its own). */
  release(): void
  /** How many streaming responses the client closed before they ended. */
  readonly aborts: number
  close(): Promise<void>
}

const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  'x-vercel-ai-ui-message-stream': 'v1',
}

const finish = (requestId: string) => ({
  type: 'finish',
  finishReason: 'stop',
  messageMetadata: {
    model: 'claude-sonnet-5-5',
    stop_reason: 'end_turn',
    usage: { input_tokens: 20, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    cost_usd: 0.00016,
    request_id: requestId,
  },
})

export const HELLO_DELTAS = ['Hello', ' from', ' the', ' scripted', ' stream.']

export async function startScriptedServer(widgetJs: string, options: { token?: string } = {}): Promise<ScriptedServer> {
  const root = join(import.meta.dirname, '../../..')
  const html = readFileSync(join(root, 'client/demo.html'), 'utf8')
    .replaceAll('{{endpoint}}', '/v1/chat/stream')
    .replaceAll('{{script}}', '/claude-chat.js')
    .replaceAll('{{token}}', options.token ? ` token="${options.token}"` : '')

  const requests: ScriptedServer['requests'] = []
  const credits: number[] = [0]
  const waiters: (() => void)[] = []
  const gate = () =>
    new Promise<void>((resolve) => {
      if (credits[0]! > 0) {
        credits[0]!--
        resolve()
      } else waiters.push(resolve)
    })
  let aborts = 0
  let dropped = false
  let n = 0

  async function stream(res: ServerResponse, script: string) {
    const id = `req_e2e_${++n}`
    res.writeHead(200, { ...HEADERS, 'x-request-id': id })
    res.flushHeaders()
    let closed = false
    let onClosed!: () => void
    const clientGone = new Promise<void>((resolve) => (onClosed = resolve))
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true
        aborts++
        onClosed()
      }
    })
    const write = (part: unknown) => {
      if (!closed) res.write(`data: ${JSON.stringify(part)}\n\n`)
    }
    write({ type: 'start', messageId: `msg_${n}` })
    write({ type: 'start-step' })
    res.write(': ping\n\n')
    if (script === 'hello') {
      write({ type: 'text-start', id: 't' })
      for (const delta of HELLO_DELTAS) {
        await gate()
        write({ type: 'text-delta', id: 't', delta })
      }
      write({ type: 'text-end', id: 't' })
    } else if (script === 'slow') {
      write({ type: 'text-start', id: 't' })
      write({ type: 'text-delta', id: 't', delta: 'This answer is long and slow' })
      // Never ends on its own: only a heartbeat, until the client goes away.
      const beat = setInterval(() => !closed && res.write(': ping\n\n'), 200)
      await clientGone
      clearInterval(beat)
      return
    } else if (script === 'tool') {
      write({ type: 'text-start', id: 'a' })
      write({ type: 'text-delta', id: 'a', delta: 'Let me check the weather.' })
      write({ type: 'text-end', id: 'a' })
      write({ type: 'tool-input-start', toolCallId: 'call_1', toolName: 'get_weather' })
      write({ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":' })
      write({ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '"Paris"}' })
      write({ type: 'tool-input-available', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } })
      write({ type: 'tool-output-available', toolCallId: 'call_1', output: { temperature_c: 21, sky: 'clear' } })
      write({ type: 'finish-step' })
      write({ type: 'start-step' })
      write({ type: 'text-start', id: 'b' })
      write({ type: 'text-delta', id: 'b', delta: 'It is **21 °C** and clear in Paris.' })
      write({ type: 'text-end', id: 'b' })
    } else if (script === 'markdown') {
      write({ type: 'text-start', id: 't' })
      write({
        type: 'text-delta',
        id: 't',
        delta:
          'Some **bold**, _italic_ and `code`.\n\n<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\n\n' +
          '[bad link](javascript:window.__pwned=3) and [good link](https://example.com/docs)\n\n```js\nconst x = "<b>not bold</b>"\n```\n\n' +
          '| Alias | Model |\n|---|---|\n| fast | claude-haiku-5-5 |\n| smart | <i>claude-opus-5-5</i> |',
      })
      write({ type: 'text-end', id: 't' })
    } else {
      write({ type: 'text-start', id: 't' })
      write({ type: 'text-delta', id: 't', delta: `You said: ${script}` })
      write({ type: 'text-end', id: 't' })
    }
    write({ type: 'finish-step' })
    write(finish(id))
    if (!closed) res.end('data: [DONE]\n\n')
  }

  function refuse(res: ServerResponse, status: number, type: string, message: string, retryAfter: number) {
    res.writeHead(status, { 'content-type': 'application/json', 'retry-after': String(retryAfter), 'x-request-id': 'req_refused' })
    res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_refused' }))
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x')
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      return res.end(html)
    }
    if (req.method === 'GET' && url.pathname === '/claude-chat.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' })
      return res.end(widgetJs)
    }
    if (req.method === 'POST' && url.pathname === '/v1/chat/stream') {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScriptedServer['requests'][number]['body']
      requests.push({ body, authorization: req.headers.authorization })
      const last = body.messages.at(-1)
      const script = typeof last?.content === 'string' ? last.content.trim() : ''
      if (script === 'rate') return refuse(res, 429, 'rate_limit_error', 'Rate limit: 60 requests per 1m.', 30)
      if (script === 'budget') return refuse(res, 402, 'budget_exceeded_error', 'Daily budget spent.', 7200)
      if (script === 'drop-once' && !dropped) {
        dropped = true
        return req.socket.destroy()
      }
      return stream(res, script)
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'no route' }, request_id: 'r' }))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(error)
      res.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get aborts() {
      return aborts
    },
    release() {
      const next = waiters.shift()
      if (next) next()
      else credits[0]!++
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
