// A tiny static file server for the browser examples: serves fixed files (path → body) on
// 127.0.0.1, so the page runs on an origin of its own and calls the Worker cross-origin (CORS).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StaticFile {
  body: string
  type: string
}

export interface StaticServer {
  /** e.g. `http://127.0.0.1:8790` */
  url: string
  close(): Promise<void>
}

export async function serveStatic(files: Record<string, StaticFile>, port: number): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = files[path === '/' ? '/index.html' : path]
    if (req.method !== 'GET' || !file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      return
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const { port: actual } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The browser origins a page on `port` may be opened from (both spellings of the loopback host). */
export const pageOrigins = (port: number): string => `http://127.0.0.1:${port},http://localhost:${port}`
