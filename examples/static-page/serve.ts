// `npm run example:static`: the Worker under `wrangler dev` on :8787 (anonymous calls allowed from
// the page's origin only) and this folder's index.html on :8790, a different origin, so the
// browser does real CORS, as it would against a deployed Worker. Ctrl-C stops both.
//
// Ports: WORKER_PORT (default 8787), PORT (default 8790); when one is taken, it exits with a message.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildClient } from '../../scripts/build-client.ts'
import { anonymousVars } from '../../scripts/lib/demo-assistant.ts'
import { requireFreePorts } from '../../scripts/lib/require-free-ports.ts'
import { startLocalWorker } from '../shared/local-worker.ts'
import { pageOrigins, serveStatic, type StaticServer } from '../shared/static-server.ts'

/** The Worker URL written in index.html; replaced when the Worker runs elsewhere. */
const DEFAULT_WORKER = 'http://127.0.0.1:8787'

/** Serves index.html (pointing at `workerUrl`) and the widget bundle built from `client/`. */
export async function serveStaticPage(options: { workerUrl: string; port: number }): Promise<StaticServer> {
  const html = readFileSync(join(import.meta.dirname, 'index.html'), 'utf8').replaceAll(DEFAULT_WORKER, options.workerUrl)
  const { widget } = await buildClient()
  return serveStatic(
    {
      '/index.html': { body: html, type: 'text/html; charset=utf-8' },
      '/claude-chat.js': { body: widget, type: 'text/javascript; charset=utf-8' },
    },
    options.port,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT || 8790)
  await requireFreePorts([{ port, variable: 'PORT', role: 'the page' }])
  const worker = await startLocalWorker({ vars: anonymousVars(pageOrigins(port)) })
  const page = await serveStaticPage({ workerUrl: worker.url, port })
  process.once('SIGINT', () => void page.close())
  process.once('SIGTERM', () => void page.close())
  console.log(`Open ${page.url}/ (the Worker is at ${worker.url}; Ctrl-C stops both)`)
}
