// Serves the Anthropic API simulator on 127.0.0.1 (PORT, default 8788): `npm run simulator`.
// A tiny node:http adapter that writes every chunk as it is produced (no buffering) and turns a
// client disconnect into an aborted Request, so the simulator stops generating at once.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/index.ts'

export interface SimulatorServer {
  url: string
  sim: Simulator
  close(): Promise<void>
}

/** Starts the simulator on `host:port` (port 0 picks a free one). `log` gets one line per request. */
export function startSimulatorServer({
  port = 8788,
  host = '127.0.0.1',
  log,
  ...options
}: SimulatorOptions & { port?: number; host?: string; log?: (line: string) => void } = {}): Promise<SimulatorServer> {
  const sim = createSimulator(options)

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const abort = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) abort.abort()
    })
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
    const method = req.method ?? 'GET'
    const request = new Request(`http://${host}${req.url ?? '/'}`, {
      method,
      headers,
      signal: abort.signal,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    })
    const response = await sim.app.fetch(request)
    const id = response.headers.get('request-id')
    res.on('close', () => {
      const r = sim.requests.find((x) => x.id === id)
      if (r && log) {
        const end = r.completed ? 'completed' : r.cancelled ? 'cancelled by client' : r.stream ? 'ended early' : 'error'
        log(`${method} ${r.path} ${r.status} ${r.model ?? '-'}${r.stream ? ` stream ${r.eventsSent} events` : ''} ${end}`)
      }
    })
    res.writeHead(response.status, Object.fromEntries(response.headers))
    if (!response.body) return res.end()
    res.flushHeaders()
    const reader = response.body.getReader()
    abort.signal.addEventListener(
      'abort',
      () => {
        reader.cancel().catch(() => {})
      },
      { once: true },
    )
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

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end('{"type":"error","error":{"type":"api_error","message":"Internal server error"}}')
    })
  })
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo
      resolve({
        url: `http://${host}:${actual}`,
        sim,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

/**
 * `SIM_RATE_LIMITS`: the simulator's `rateLimits` option as JSON (docs/simulator.md#rate-limits), e.g.
 * `{"rpm":120,"burstSeconds":1}`; undefined when unset. Throws an Error that names the variable.
 */
export function rateLimitsFromEnv(value: string | undefined): SimulatorOptions['rateLimits'] {
  if (value === undefined || value.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new Error(`SIM_RATE_LIMITS: expected JSON like {"rpm":120,"burstSeconds":1}, got ${value}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('SIM_RATE_LIMITS: expected a JSON object like {"rpm":120,"burstSeconds":1}')
  }
  return parsed as SimulatorOptions['rateLimits']
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const keys = process.env.SIM_API_KEYS?.split(',')
    .map((k) => k.trim())
    .filter(Boolean)
  const rateLimits = rateLimitsFromEnv(process.env.SIM_RATE_LIMITS)
  const { url } = await startSimulatorServer({
    port: Number(process.env.PORT ?? 8788),
    ...(keys?.length ? { apiKeys: keys } : {}),
    ...(rateLimits && { rateLimits }),
    log: (line) => console.log(line),
  })
  if (rateLimits) console.log(`Rate limits (SIM_RATE_LIMITS): ${JSON.stringify(rateLimits)}`)
  console.log(`Anthropic API simulator on ${url}`)
  console.log(
    keys?.length
      ? `Accepted API keys: the ${keys.length} in SIM_API_KEYS`
      : 'Accepted API keys: any key starting with "sk-ant-" (e.g. sk-ant-sim)',
  )
  console.log(`Use it: ANTHROPIC_BASE_URL=${url} ANTHROPIC_API_KEY=sk-ant-sim`)
}
