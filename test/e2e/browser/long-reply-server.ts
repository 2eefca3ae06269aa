import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

/**
 * A page with the built `<claude-chat>` and a stream endpoint whose replies are long Markdown
 * streamed token by token, for the long-reply tests (long-reply.test.ts) and the Chromium bench
 * (bench/widget-long-reply.ts). The last user message picks the script:
 *
 * - `long` / `long <tokens> [<shape>]`: a Markdown reply of that many tokens (default 7,000;
 *   shapes: `longReplyTokens`), `perTick` tokens every `tickMs`;
 * - `once <tokens>`: the same reply as one delta;
 * - `code`: code blocks (TypeScript, and HTML holding markup that must stay text);
 * - `think-empty` / `think`: reasoning parts that are blank / have text, then an answer;
 * - `cheap`: a short answer that cost $0.0000012;
 * - anything else: "You said: …".
 *
 * `POST /v1/conversations` is a 404, so the widget sends the whole history (no stored conversation).
 */
export interface LongReplyServer {
  url: string
  /** Paths requested, in order (to see when the highlighter chunk is fetched). */
  requested: string[]
  /** Deltas written by the last `long` stream. */
  readonly deltas: number
  close(): Promise<void>
}

export interface LongReplyOptions {
  widgetJs: string
  /** Files next to the widget (its lazy chunks), by name; leave one out to check the widget copes. */
  chunks?: Record<string, string>
  /** The page: `demo` (client/demo.html) or a bare page with only the element. Default `bare`. */
  page?: 'demo' | 'bare'
  /** Pace of `long`: tokens per write and ms between writes. Default 4 tokens every 8 ms. */
  perTick?: number
  tickMs?: number
}

const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-vercel-ai-ui-message-stream': 'v1',
}

const BARE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>long reply</title>
<script type="module" src="/claude-chat.js"></script>
<style>body { margin: 0; padding: 16px; font-family: system-ui; } claude-chat { --claude-chat-height: 760px; }</style></head>
<body><claude-chat endpoint="/v1/chat/stream" show-usage persist="none"></claude-chat></body></html>`

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

export async function startLongReplyServer(options: LongReplyOptions): Promise<LongReplyServer> {
  const { widgetJs, chunks = {}, page = 'bare', perTick = 4, tickMs = 8 } = options
  const root = join(import.meta.dirname, '../../..')
  const html =
    page === 'bare'
      ? BARE_PAGE
      : readFileSync(join(root, 'client/demo.html'), 'utf8')
          .replaceAll('{{endpoint}}', '/v1/chat/stream')
          .replaceAll('{{script}}', '/claude-chat.js')
          .replaceAll('{{token}}', '')
  const requested: string[] = []
  let deltas = 0
  let n = 0

  async function stream(res: ServerResponse, script: string) {
    const id = `req_long_${++n}`
    res.writeHead(200, { ...HEADERS, 'x-request-id': id })
    res.flushHeaders()
    let closed = false
    res.on('close', () => (closed = !res.writableFinished))
    const write = (part: unknown) => !closed && res.write(`data: ${JSON.stringify(part)}\n\n`)
    const text = (delta: string, partId = 't') => write({ type: 'text-delta', id: partId, delta })
    let cost = 0.0123
    write({ type: 'start', messageId: `msg_${n}` })
    write({ type: 'start-step' })
    const [name, arg, shape] = script.split(' ')
    if (name === 'long' || name === 'once') {
      const tokens = longReplyTokens(Number(arg) || 7000, (shape as ReplyShape | undefined) ?? 'mixed')
      write({ type: 'text-start', id: 't' })
      if (name === 'once') text(tokens.join(''))
      else {
        deltas = 0
        for (let i = 0; i < tokens.length && !closed; i += perTick) {
          for (const token of tokens.slice(i, i + perTick)) {
            text(token)
            deltas++
          }
          await new Promise((resolve) => setTimeout(resolve, tickMs))
        }
      }
      write({ type: 'text-end', id: 't' })
    } else if (name === 'code') {
      write({ type: 'text-start', id: 't' })
      for (const delta of [
        'Two blocks:\n\n```ts\nconst answer: number = 42 // the answer\n',
        'export function twice(x: number) { return x * 2 }\n```\n\n',
        '```html\n<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\n```\n\nAnd plain:\n\n```\nno language\n```',
      ]) {
        text(delta)
        await new Promise((resolve) => setTimeout(resolve, 30))
      }
      write({ type: 'text-end', id: 't' })
    } else if (name === 'think-empty' || name === 'think') {
      for (const r of ['r1', 'r2', 'r3']) {
        write({ type: 'reasoning-start', id: r })
        if (name === 'think' && r === 'r2') write({ type: 'reasoning-delta', id: r, delta: 'Let me **think** about it.' })
        else write({ type: 'reasoning-delta', id: r, delta: r === 'r3' ? '  \n' : '' })
        write({ type: 'reasoning-end', id: r })
      }
      write({ type: 'text-start', id: 't' })
      text('The answer.')
      write({ type: 'text-end', id: 't' })
    } else {
      if (name === 'cheap') cost = 0.0000012
      write({ type: 'text-start', id: 't' })
      text(name === 'cheap' ? 'Cheap **answer**.' : `You said: ${script}`)
      write({ type: 'text-end', id: 't' })
    }
    write({ type: 'finish-step' })
    write({
      type: 'finish',
      finishReason: 'stop',
      messageMetadata: {
        model: 'claude-sonnet-5-5',
        usage: { input_tokens: 20, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        cost_usd: cost,
        request_id: id,
      },
    })
    if (!closed) res.end('data: [DONE]\n\n')
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
      const body: Buffer[] = []
      for await (const chunk of req) body.push(chunk as Buffer)
      const { messages } = JSON.parse(Buffer.concat(body).toString('utf8')) as { messages: { content: unknown }[] }
      const last = messages.at(-1)?.content
      return stream(res, typeof last === 'string' ? last.trim() : '')
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
    requested,
    get deltas() {
      return deltas
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
