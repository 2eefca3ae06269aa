import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

/**
 * A stand-in for the Worker in the widget's Chromium tests (and bench/widget-long-reply.ts): serves a
 * page (`GET /`), the widget bundle (`/claude-chat.js`) and its lazy chunks, and answers
 * `POST /v1/chat/stream` with UI message streams scripted by the last user message. `scripts` picks
 * one of three sets:
 *
 * - `chat` (claude-chat.test.ts): `hello` writes `HELLO_DELTAS`, one per `release()` (nothing on its
 *   own); `slow` never ends (only a heartbeat, until the client goes away); `tool`; `markdown`;
 *   `drop-once` drops the first connection; `rate` is a 429, `budget` a 402; anything else
 *   "You said: …".
 * - `long-reply` (long-reply.test.ts, the bench): long Markdown replies streamed token by token.
 *   `long` / `long <tokens> [<shape>]`: a reply of that many tokens (default 7,000; shapes:
 *   `longReplyTokens`), `perTick` tokens every `tickMs`; `once <tokens>`: the same reply as one
 *   delta; `code`: code blocks (TypeScript, and HTML holding markup that must stay text);
 *   `think-empty` / `think`: reasoning parts that are blank / have text, then an answer; `cheap`: a
 *   short answer that cost $0.0000012; anything else "You said: …".
 * - `polish` (widget-polish.test.ts): "You said: <question> (answer N)", N counting the streams, so a
 *   regenerated answer differs from the first; `queued` sends a `data-queued` part and waits for
 *   `release()` before its text; `fail` is a 529, `rate` a 429 with `Retry-After: 30`.
 *
 * With `conversations` on, a small conversations API: create, load, regenerate (`trigger:
 * "regenerate-message"`) and resume an answer still being written (`GET …/stream`). Off (the
 * default), `POST /v1/conversations` is a 404, so the widget sends the whole history every time, as
 * it does with any server without conversations.
 */
export interface ScriptedServerOptions {
  widgetJs: string
  /** Which scripts answer `POST /v1/chat/stream` (see above). */
  scripts: 'chat' | 'long-reply' | 'polish'
  /** Files next to the widget (its lazy chunks), by name; leave one out to check the widget copes. */
  chunks?: Record<string, string>
  /**
   * `GET /`: `demo` (client/demo.html), `bare` (a page with only the element) or `blank` (no element:
   * the test adds its `<claude-chat>`). Default `demo`.
   */
  page?: 'demo' | 'bare' | 'blank'
  /** The demo page's `token` attribute (the widget sends it as a bearer token). */
  token?: string
  /** Whether the conversations API is on at first (`ScriptedServer.conversations`). Default false. */
  conversations?: boolean
  /** Pace of `long`: tokens per write and ms between writes. Default 4 tokens every 8 ms. */
  perTick?: number
  tickMs?: number
}

export interface ScriptedServer {
  url: string
  /** Paths requested, in order (to see when the highlighter chunk is fetched). */
  requested: string[]
  /** Every POST /v1/chat/stream body and its authorization header, in order. */
  requests: { body: StreamBody; authorization: string | undefined }[]
  /** Whether `POST /v1/conversations` creates one (else 404: the widget sends the whole history). */
  conversations: boolean
  /** The stored turns of each conversation. */
  stored: Map<string, { role: 'user' | 'assistant'; text: string }[]>
  /** Lets `hello` write its next delta, or a waiting `queued` stream go on. */
  release(): void
  /** How many streaming responses the client closed before they ended. */
  readonly aborts: number
  /** Deltas written by the last `long` stream. */
  readonly deltas: number
  close(): Promise<void>
}

export interface StreamBody {
  conversation_id?: string
  trigger?: string
  messages: { role: string; content: unknown }[]
}

const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  'x-vercel-ai-ui-message-stream': 'v1',
}

const USAGE = { input_tokens: 20, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }

const BARE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>long reply</title>
<script type="module" src="/claude-chat.js"></script>
<style>body { margin: 0; padding: 16px; font-family: system-ui; } claude-chat { --claude-chat-height: 760px; }</style></head>
<body><claude-chat endpoint="/v1/chat/stream" show-usage persist="none"></claude-chat></body></html>`

const BLANK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>polish</title><link rel="icon" href="data:,">
<style>body { margin: 0; padding: 16px; font-family: system-ui, sans-serif; } @media (max-width: 520px) { body { padding: 0; } }</style>
<script type="module" src="/claude-chat.js"></script></head><body></body></html>`

function pageHtml(page: ScriptedServerOptions['page'], token: string | undefined): string {
  if (page === 'bare') return BARE_PAGE
  if (page === 'blank') return BLANK_PAGE
  return readFileSync(join(import.meta.dirname, '../../../client/demo.html'), 'utf8')
    .replaceAll('{{endpoint}}', '/v1/chat/stream')
    .replaceAll('{{script}}', '/claude-chat.js')
    .replaceAll('{{token}}', token ? ` token="${token}"` : '')
}

export const HELLO_DELTAS = ['Hello', ' from', ' the', ' scripted', ' stream.']

const MARKDOWN =
  'Some **bold**, _italic_ and `code`.\n\n<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\n\n' +
  '[bad link](javascript:window.__pwned=3) and [good link](https://example.com/docs)\n\n```js\nconst x = "<b>not bold</b>"\n```\n\n' +
  '| Alias | Model |\n|---|---|\n| fast | claude-haiku-5-5 |\n| smart | <i>claude-opus-5-5</i> |'

const CODE_DELTAS = [
  'Two blocks:\n\n```ts\nconst answer: number = 42 // the answer\n',
  'export function twice(x: number) { return x * 2 }\n```\n\n',
  '```html\n<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\n```\n\nAnd plain:\n\n```\nno language\n```',
]

/** `mixed`: every kind of block; `paragraph`: one paragraph (lines, no blank line); `list`: one list; `code`: one code block. */
export type ReplyShape = 'mixed' | 'paragraph' | 'list' | 'code'

/**
 * A Markdown reply of about `tokens` tokens (a token being a word or a piece of at most 4
 * characters, roughly as Claude's tokenizer counts English and code). `mixed`: sections with
 * headings, paragraphs with inline formatting and links, lists, TypeScript and Python code, tables,
 * quotes. `paragraph`, `list` and `code` are the worst cases for incremental rendering: the whole reply is
 * one block that stays open to the end.
 */
export function longReplyTokens(tokens: number, shape: ReplyShape = 'mixed'): string[] {
  const out: string[] = []
  if (shape === 'code') out.push('```ts\n')
  for (let k = 1; out.length < tokens; k++) {
    const section =
      shape === 'paragraph' || shape === 'list'
        ? `${shape === 'list' ? '- ' : ''}Sentence ${k} of one long ${shape}, with **bold**, \`code\` and a [link](https://example.com/${k}), and no blank line.\n`
        : shape === 'code'
          ? `export function total${k}(items: { price: number; qty: number }[]): number {\n  return items.reduce((sum, { price, qty }) => sum + price * qty, ${k}) // line ${k}\n}\n`
          : [
              `## Section ${k}: streaming without stalls`,
              '',
              `Paragraph ${k} explains **why rendering must stay cheap** while text arrives, with _emphasis_, \`inline code\`, ` +
                `a [link to the docs](https://example.com/docs/${k}) and a bare URL https://example.com/page/${k}. ` +
                'Each delta adds a few characters; the widget batches them into one render per frame and parses only the open block. ' +
                'Finished blocks stay in the page as they are, so the work per frame does not grow with the reply.',
              '',
              `- first point of section ${k}, with \`code\` and **bold**`,
              '- second point, a little longer, to wrap across the width of the chat on narrow screens',
              `- third point: see [item ${k}](https://example.com/items/${k})`,
              '',
              k % 2 ? '```ts' : '```python',
              ...(k % 2
                ? [
                    `export function total${k}(items: { price: number; qty: number }[]): number {`,
                    '  // Sum the line totals, rounding to cents at the end.',
                    '  let sum = 0',
                    '  for (const { price, qty } of items) sum += price * qty',
                    `  return Math.round(sum * 100) / 100 + ${k}`,
                    '}',
                  ]
                : [`def total_${k}(items):`, '    """Sum the line totals."""', '    return round(sum(p * q for p, q in items), 2)']),
              '```',
              '',
              '| Model | Input $/MTok | Output $/MTok |',
              '|:---|---:|---:|',
              `| fast | ${k}.00 | ${k * 5}.00 |`,
              `| smart | ${k * 3}.00 | ${k * 15}.00 |`,
              '',
              `> Note ${k}: a quote, so the reply has every kind of block.`,
              '',
              '',
            ].join('\n')
    for (const word of section.match(/\s*\S+|\s+/g) ?? []) {
      for (let i = 0; i < word.length && out.length < tokens; i += 4) out.push(word.slice(i, i + 4))
    }
  }
  return out
}

/** One streamed answer, after its `start` part: what it writes goes to the client that asked and to any that resumed it. */
interface Stream {
  n: number
  id: string
  write(part: unknown): void
  /** A comment line (a heartbeat). */
  ping(): void
  /** One text delta. */
  delta(text: string, id?: string): void
  /** A whole text part: start, one delta, end. */
  say(text: string, id?: string): void
  /** Whether the client that asked went away before the end. */
  readonly closed: boolean
  /** Resolves when it does. */
  gone: Promise<void>
  /** `finish-step`, `finish` with this metadata, then `[DONE]`. */
  end(metadata: object): void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function readBody(req: IncomingMessage): Promise<StreamBody> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as StreamBody
}

function refuse(res: ServerResponse, status: number, type: string, message: string, requestId: string, retryAfter?: number) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': requestId,
    ...(retryAfter !== undefined && { 'retry-after': String(retryAfter) }),
  })
  res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }))
}

export async function startScriptedServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const { widgetJs, scripts, chunks = {}, perTick = 4, tickMs = 8 } = options
  const html = pageHtml(options.page, options.token)
  const prefix = { chat: 'req_e2e', 'long-reply': 'req_long', polish: 'req_polish' }[scripts]
  const requested: string[] = []
  const requests: ScriptedServer['requests'] = []
  const stored: ScriptedServer['stored'] = new Map()
  const running = new Map<string, { frames: string[]; clients: Set<ServerResponse> }>()
  const waiters: (() => void)[] = []
  let conversationsOn = options.conversations ?? false
  let credits = 0
  let aborts = 0
  let deltas = 0
  let streams = 0
  let conversations = 0
  let dropped = false

  const gate = () =>
    new Promise<void>((resolve) => {
      if (credits > 0) {
        credits--
        resolve()
      } else waiters.push(resolve)
    })

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `${prefix}_${status}` })
    res.end(JSON.stringify(body))
  }

  /** Starts a UI message stream on `res`; a conversation's answer outlives its connection (GET …/stream follows it). */
  function open(res: ServerResponse, conversationId?: string): Stream {
    const n = ++streams
    const id = `${prefix}_${n}`
    res.writeHead(200, { ...HEADERS, 'x-request-id': id })
    res.flushHeaders()
    const live = { frames: [] as string[], clients: new Set([res]) }
    if (conversationId) running.set(conversationId, live)
    let closed = false
    let onGone!: () => void
    const gone = new Promise<void>((resolve) => (onGone = resolve))
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true
        aborts++
        onGone()
      }
    })
    const send = (frame: string) => {
      live.frames.push(frame)
      for (const client of live.clients) if (!client.destroyed) client.write(frame)
    }
    const stream: Stream = {
      n,
      id,
      write: (part) => send(`data: ${JSON.stringify(part)}\n\n`),
      ping: () => send(': ping\n\n'),
      delta: (text, partId = 't') => stream.write({ type: 'text-delta', id: partId, delta: text }),
      say(text, partId = 't') {
        stream.write({ type: 'text-start', id: partId })
        stream.delta(text, partId)
        stream.write({ type: 'text-end', id: partId })
      },
      get closed() {
        return closed
      },
      gone,
      end(metadata) {
        stream.write({ type: 'finish-step' })
        stream.write({ type: 'finish', finishReason: 'stop', messageMetadata: metadata })
        if (conversationId) running.delete(conversationId)
        for (const client of live.clients) if (!client.destroyed) client.end('data: [DONE]\n\n')
      },
    }
    stream.write({ type: 'start', messageId: `msg_${n}` })
    return stream
  }

  async function chat(req: IncomingMessage, res: ServerResponse, script: string) {
    if (script === 'rate') return refuse(res, 429, 'rate_limit_error', 'Rate limit: 60 requests per 1m.', 'req_refused', 30)
    if (script === 'budget') return refuse(res, 402, 'budget_exceeded_error', 'Daily budget spent.', 'req_refused', 7200)
    if (script === 'drop-once' && !dropped) {
      dropped = true
      return req.socket.destroy()
    }
    const s = open(res)
    s.write({ type: 'start-step' })
    s.ping()
    if (script === 'hello') {
      s.write({ type: 'text-start', id: 't' })
      for (const delta of HELLO_DELTAS) {
        await gate()
        s.delta(delta)
      }
      s.write({ type: 'text-end', id: 't' })
    } else if (script === 'slow') {
      s.write({ type: 'text-start', id: 't' })
      s.delta('This answer is long and slow')
      // Never ends on its own: only a heartbeat, until the client goes away.
      const beat = setInterval(() => s.ping(), 200)
      await s.gone
      clearInterval(beat)
      return
    } else if (script === 'tool') {
      s.say('Let me check the weather.', 'a')
      s.write({ type: 'tool-input-start', toolCallId: 'call_1', toolName: 'get_weather' })
      s.write({ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":' })
      s.write({ type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '"Paris"}' })
      s.write({ type: 'tool-input-available', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } })
      s.write({ type: 'tool-output-available', toolCallId: 'call_1', output: { temperature_c: 21, sky: 'clear' } })
      s.write({ type: 'finish-step' })
      s.write({ type: 'start-step' })
      s.say('It is **21 °C** and clear in Paris.', 'b')
    } else if (script === 'markdown') s.say(MARKDOWN)
    else s.say(`You said: ${script}`)
    s.end({ model: 'claude-sonnet-5-5', stop_reason: 'end_turn', usage: USAGE, cost_usd: 0.00016, request_id: s.id })
  }

  async function longReply(res: ServerResponse, script: string) {
    const s = open(res)
    s.write({ type: 'start-step' })
    const [name, arg, shape] = script.split(' ')
    if (name === 'long' || name === 'once') {
      const tokens = longReplyTokens(Number(arg) || 7000, (shape as ReplyShape | undefined) ?? 'mixed')
      s.write({ type: 'text-start', id: 't' })
      if (name === 'once') s.delta(tokens.join(''))
      else {
        deltas = 0
        for (let i = 0; i < tokens.length && !s.closed; i += perTick) {
          for (const token of tokens.slice(i, i + perTick)) {
            s.delta(token)
            deltas++
          }
          await sleep(tickMs)
        }
      }
      s.write({ type: 'text-end', id: 't' })
    } else if (name === 'code') {
      s.write({ type: 'text-start', id: 't' })
      for (const delta of CODE_DELTAS) {
        s.delta(delta)
        await sleep(30)
      }
      s.write({ type: 'text-end', id: 't' })
    } else if (name === 'think-empty' || name === 'think') {
      for (const r of ['r1', 'r2', 'r3']) {
        s.write({ type: 'reasoning-start', id: r })
        if (name === 'think' && r === 'r2') s.write({ type: 'reasoning-delta', id: r, delta: 'Let me **think** about it.' })
        else s.write({ type: 'reasoning-delta', id: r, delta: r === 'r3' ? '  \n' : '' })
        s.write({ type: 'reasoning-end', id: r })
      }
      s.say('The answer.')
    } else s.say(name === 'cheap' ? 'Cheap **answer**.' : `You said: ${script}`)
    const cost = name === 'cheap' ? 0.0000012 : 0.0123
    s.end({ model: 'claude-sonnet-5-5', usage: USAGE, cost_usd: cost, request_id: s.id })
  }

  async function polish(res: ServerResponse, body: StreamBody) {
    const turns = body.conversation_id ? stored.get(body.conversation_id) : undefined
    if (body.conversation_id && !turns) {
      return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no such conversation' } })
    }
    const regenerate = turns !== undefined && body.trigger === 'regenerate-message'
    const question = String((regenerate ? turns.findLast((t) => t.role === 'user')?.text : body.messages.at(-1)?.content) ?? '')
    if (question === 'fail') return refuse(res, 529, 'overloaded_error', 'refused', `${prefix}_529`)
    if (question === 'rate') return refuse(res, 429, 'rate_limit_error', 'refused', `${prefix}_429`, 30)
    // As the gateway does, when the answer is written: the turns it builds on (a regenerated answer
    // replaces the one after the last question, which is not stored twice), the question, the answer.
    const base = regenerate ? turns.findLastIndex((t) => t.role === 'user') + 1 : (turns?.length ?? 0)
    const added = regenerate ? [] : body.messages.map((m) => ({ role: m.role as 'user', text: String(m.content) }))
    const s = open(res, body.conversation_id)
    if (question === 'queued') {
      s.write({ type: 'data-queued', data: { position: 2, waitMs: 1500 }, transient: true })
      await gate()
    }
    s.write({ type: 'start-step' })
    const text = `You said: ${question} (answer ${s.n})`
    s.say(text)
    if (turns) {
      turns.length = base
      turns.push(...added, { role: 'assistant', text })
    }
    s.end({ model: 'claude-haiku-5-5', request_id: s.id })
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x')
    requested.push(url.pathname)
    const file = url.pathname.slice(1)
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      return res.end(html)
    }
    if (req.method === 'GET' && (file === 'claude-chat.js' || Object.hasOwn(chunks, file))) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' })
      return res.end(file === 'claude-chat.js' ? widgetJs : chunks[file])
    }
    if (req.method === 'POST' && url.pathname === '/v1/chat/stream') {
      const body = await readBody(req)
      requests.push({ body, authorization: req.headers.authorization })
      if (scripts === 'polish') return polish(res, body)
      const last = body.messages.at(-1)?.content
      const script = typeof last === 'string' ? last.trim() : ''
      return scripts === 'chat' ? chat(req, res, script) : longReply(res, script)
    }
    const resume = /^\/v1\/chat\/stream\/([^/]+)\/stream$/.exec(url.pathname)
    if (req.method === 'GET' && resume) {
      const live = running.get(resume[1]!)
      if (!live) return res.writeHead(204).end()
      res.writeHead(200, HEADERS)
      for (const frame of live.frames) res.write(frame)
      live.clients.add(res)
      return
    }
    if (conversationsOn && req.method === 'POST' && url.pathname === '/v1/conversations') {
      const id = `conv_polish_${++conversations}`
      stored.set(id, [])
      return json(res, 201, { id, created_at: new Date().toISOString() })
    }
    const load = /^\/v1\/conversations\/([^/]+)$/.exec(url.pathname)
    if (conversationsOn && req.method === 'GET' && load && stored.has(load[1]!)) {
      const turns = stored.get(load[1]!)!
      return json(res, 200, {
        id: load[1],
        title: turns[0]?.text ?? '',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
        ui_messages: turns.map((t, i) => ({ id: `m${i}`, role: t.role, parts: [{ type: 'text', text: t.text }] })),
        messages: turns.map((t) => ({ role: t.role, content: t.text })),
      })
    }
    json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no route' }, request_id: 'r' })
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
    requested,
    requests,
    stored,
    get conversations() {
      return conversationsOn
    },
    set conversations(on) {
      conversationsOn = on
    },
    get aborts() {
      return aborts
    },
    get deltas() {
      return deltas
    },
    release() {
      const next = waiters.shift()
      if (next) next()
      else credits++
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
