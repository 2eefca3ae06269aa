import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

type FetchHandler = (request: Request, env: unknown, ctx: ExecutionContextLike) => Response | Promise<Response>
interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
  passThroughOnException(): void
  props: Record<string, unknown>
}

/**
 * Serves a Worker-style `fetch` handler (a Hono app) over Node HTTP on 127.0.0.1, streaming the
 * response body as it is produced and cancelling it when the browser disconnects, as workerd does.
 */
export async function serveFetch(handler: FetchHandler): Promise<{ url: string; close(): Promise<void> }> {
  const ctx: ExecutionContextLike = {
    waitUntil: (promise) => void promise.catch(() => {}),
    passThroughOnException: () => {},
    props: {},
  }
  const server = createServer(async (req, res) => {
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    try {
      const response = await handler(toRequest(req, abort.signal), {}, ctx)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.flushHeaders()
      if (!response.body) return void res.end()
      const reader = response.body.getReader()
      abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true })
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        res.write(value)
      }
      res.end()
    } catch (error) {
      if (!abort.signal.aborted) console.error(error)
      res.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else if (value !== undefined) headers.set(name, value)
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit)
}
