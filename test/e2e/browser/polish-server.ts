import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stand-in for the Worker for the widget's polish tests: a blank page (`GET /`, the test adds its
 * `<claude-chat>`), the widget bundle, a small conversations API (create, load, and resume an answer
 * still being written, when `conversations` is on) and `POST /v1/chat/stream` answering `You said: <question> (answer N)`,
 * N counting the streams, so a regenerated answer differs from the first. Scripts by question:
 * `queued` sends a `data-queued` part and waits for `release()` before its text; `fail` is a 529,
 * `rate` a 429 with `Retry-After: 30`.
 */
export interface PolishServer {
  url: string
  /** Whether `POST /v1/conversations` creates one (else 404: the widget sends the whole history). */
  conversations: boolean
  /** Every POST /v1/chat/stream body, in order. */
  requests: StreamBody[]
  /** The stored turns of each conversation. */
  stored: Map<string, { role: 'user' | 'assistant'; text: string }[]>
  /** Lets a waiting `queued` stream go on. */
  release(): void
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
  'x-vercel-ai-ui-message-stream': 'v1',
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>polish</title><link rel="icon" href="data:,">
<style>body { margin: 0; padding: 16px; font-family: system-ui, sans-serif; } @media (max-width: 520px) { body { padding: 0; } }</style>
<script type="module" src="/claude-chat.js"></script></head><body></body></html>`

export async function startPolishServer(widgetJs: string): Promise<PolishServer> {
  const stored: PolishServer['stored'] = new Map()
  const requests: StreamBody[] = []
  const running = new Map<string, { frames: string[]; clients: Set<ServerResponse> }>()
  const waiters: (() => void)[] = []
  let released = 0
  let streams = 0
  let conversations = 0

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_polish_${status}` })
    res.end(JSON.stringify(body))
  }
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as StreamBody
  }

  async function stream(res: ServerResponse, body: StreamBody) {
    const turns = body.conversation_id ? stored.get(body.conversation_id) : undefined
    if (body.conversation_id && !turns) {
      return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no such conversation' } })
    }
    const regenerate = turns !== undefined && body.trigger === 'regenerate-message'
    const question = String((regenerate ? turns.findLast((t) => t.role === 'user')?.text : body.messages.at(-1)?.content) ?? '')
    if (question === 'fail' || question === 'rate') {
      const [status, type] = question === 'fail' ? [529, 'overloaded_error'] : [429, 'rate_limit_error']
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-request-id': `req_polish_${status}`,
        ...(status === 429 && { 'retry-after': '30' }),
      })
      return res.end(JSON.stringify({ type: 'error', error: { type, message: 'refused' }, request_id: `req_polish_${status}` }))
    }
    // As the gateway does, when the answer is written: the turns it builds on (a regenerated answer
    // replaces the one after the last question, which is not stored twice), the question, the answer.
    const base = regenerate ? turns.findLastIndex((t) => t.role === 'user') + 1 : (turns?.length ?? 0)
    const added = regenerate ? [] : body.messages.map((m) => ({ role: m.role as 'user', text: String(m.content) }))
    const n = ++streams
    res.writeHead(200, { ...HEADERS, 'x-request-id': `req_polish_${n}` })
    res.flushHeaders()
    // A conversation's answer outlives its connection: GET …/stream replays it and follows it live.
    const live = { frames: [] as string[], clients: new Set([res]) }
    if (body.conversation_id) running.set(body.conversation_id, live)
    const write = (part: unknown) => {
      live.frames.push(`data: ${JSON.stringify(part)}\n\n`)
      for (const client of live.clients) if (!client.destroyed) client.write(live.frames.at(-1))
    }
    write({ type: 'start', messageId: `msg_${n}` })
    if (question === 'queued') {
      write({ type: 'data-queued', data: { position: 2, waitMs: 1500 }, transient: true })
      await new Promise<void>((resolve) => {
        if (released > 0) {
          released--
          resolve()
        } else waiters.push(resolve)
      })
    }
    write({ type: 'start-step' })
    const text = `You said: ${question} (answer ${n})`
    write({ type: 'text-start', id: 't' })
    write({ type: 'text-delta', id: 't', delta: text })
    write({ type: 'text-end', id: 't' })
    write({ type: 'finish-step' })
    write({ type: 'finish', finishReason: 'stop', messageMetadata: { model: 'claude-haiku-5-5', request_id: `req_polish_${n}` } })
    if (turns) {
      turns.length = base
      turns.push(...added, { role: 'assistant', text })
    }
    if (body.conversation_id) running.delete(body.conversation_id)
    for (const client of live.clients) if (!client.destroyed) client.end('data: [DONE]\n\n')
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x')
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      return res.end(PAGE)
    }
    if (req.method === 'GET' && url.pathname === '/claude-chat.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' })
      return res.end(widgetJs)
    }
    if (req.method === 'POST' && url.pathname === '/v1/chat/stream') {
      const body = await readBody(req)
      requests.push(body)
      return stream(res, body)
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
    if (server.conversations && req.method === 'POST' && url.pathname === '/v1/conversations') {
      const id = `conv_polish_${++conversations}`
      stored.set(id, [])
      return json(res, 201, { id, created_at: new Date().toISOString() })
    }
    const load = /^\/v1\/conversations\/([^/]+)$/.exec(url.pathname)
    if (server.conversations && req.method === 'GET' && load && stored.has(load[1]!)) {
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

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(error)
      res.destroy()
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  const server: PolishServer = {
    url: `http://127.0.0.1:${port}`,
    conversations: true,
    requests,
    stored,
    release() {
      const next = waiters.shift()
      if (next) next()
      else released++
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections()
        http.close(() => resolve())
      }),
  }
  return server
}
