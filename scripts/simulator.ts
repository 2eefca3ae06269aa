// Serves the Anthropic API simulator on 127.0.0.1 (PORT, default 8788): `npm run simulator`.
// A tiny node:http adapter that writes every chunk as it is produced (no buffering) and turns a
// client disconnect into an aborted Request, so the simulator stops generating at once.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createSimulator } from '../src/simulator/index.ts'

const port = Number(process.env.PORT ?? 8788)
const host = '127.0.0.1'
const keys = process.env.SIM_API_KEYS?.split(',').map((k) => k.trim()).filter(Boolean)
const sim = createSimulator(keys ? { apiKeys: keys } : {})

async function handle(req: IncomingMessage, res: ServerResponse) {
  const abort = new AbortController()
  res.on('close', () => { if (!res.writableFinished) abort.abort() })
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const method = req.method ?? 'GET'
  const request = new Request(`http://${host}:${port}${req.url ?? '/'}`, {
    method, headers, signal: abort.signal,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  })
  const response = await sim.app.fetch(request)
  res.writeHead(response.status, Object.fromEntries(response.headers))
  if (!response.body) return res.end()
  res.flushHeaders()
  const reader = response.body.getReader()
  abort.signal.addEventListener('abort', () => { reader.cancel().catch(() => {}) }, { once: true })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      res.write(value)
    }
    res.end()
  } catch {
    // The simulated connection drop (or the client went away): flush what was written, then cut
    // the socket without the final chunk, so the client sees an incomplete body.
    res.socket?.destroySoon()
  }
}

createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
    res.end('{"type":"error","error":{"type":"api_error","message":"Internal server error"}}')
  })
}).listen(port, host, () => {
  console.log(`Anthropic API simulator on http://${host}:${port}`)
  console.log(keys ? `Accepted API keys: ${keys.length} from SIM_API_KEYS` : 'Accepted API keys: any key starting with "sk-ant-" (e.g. sk-ant-sim)')
  console.log(`Try: ANTHROPIC_BASE_URL=http://${host}:${port} ANTHROPIC_API_KEY=sk-ant-sim`)
})
