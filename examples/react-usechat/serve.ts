// `npm run example:react`: the Worker under `wrangler dev` on :8787 (anonymous calls allowed from
// the app's origin only), the app built with esbuild, served on :8792 (a different origin, so
// CORS is real). Ctrl-C stops both. Ports: WORKER_PORT (default 8787), PORT (default 8792); when
// one is taken, it exits with a message.
import { fileURLToPath } from 'node:url'
import { requireFreePorts } from '../../scripts/lib/require-free-ports.ts'
import { startLocalWorker } from '../shared/local-worker.ts'
import { pageOrigins, serveStatic, type StaticServer } from '../shared/static-server.ts'
import { buildReactApp } from './build.ts'
import { DEMO_ASSISTANT, anonymousVars } from '../../scripts/lib/demo-assistant.ts'
import { CLIENT_TOOLS } from './src/client-tools.ts'

export async function serveReactApp(options: { workerUrl: string; port: number }): Promise<StaticServer> {
  const { html, js } = await buildReactApp({ workerUrl: options.workerUrl })
  return serveStatic(
    {
      '/index.html': { body: html, type: 'text/html; charset=utf-8' },
      '/app.js': { body: js, type: 'text/javascript; charset=utf-8' },
    },
    options.port,
  )
}

/** The demo assistant, with this page's client tool: its definition is the one the model sees. */
export const REACT_ASSISTANT = { ...DEMO_ASSISTANT, id: 'react-demo', client_tools: CLIENT_TOOLS }

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT || 8792)
  await requireFreePorts([{ port, variable: 'PORT', role: 'the app' }])
  const worker = await startLocalWorker({ vars: anonymousVars(pageOrigins(port), [REACT_ASSISTANT]) })
  const app = await serveReactApp({ workerUrl: worker.url, port })
  process.once('SIGINT', () => void app.close())
  process.once('SIGTERM', () => void app.close())
  console.log(`Open ${app.url}/ (the Worker is at ${worker.url}; Ctrl-C stops both)`)
}
