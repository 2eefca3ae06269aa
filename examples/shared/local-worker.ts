// Used by the examples' one-command runners: the repository's Worker under `wrangler dev`, on a
// fixed port, answering from the built-in Anthropic simulator unless .dev.vars has a real
// ANTHROPIC_API_KEY (UPSTREAM=auto, as `npm start`). Stopped on exit and on Ctrl-C. When its port
// is taken, the runner exits with a message instead (never using whatever answers there).
import { requireFreePorts } from '../../scripts/lib/require-free-ports.ts'
import { startWranglerDev, type WranglerDev } from '../../test/support/wrangler-dev.ts'

export interface LocalWorkerOptions {
  /** Port of the Worker. Default: `WORKER_PORT` from the environment, else 8787. */
  port?: number
  /** Extra `--var NAME:value` settings (ALLOWED_ORIGINS, CLIENT_KEYS, …). Default: none. */
  vars?: Record<string, string>
}

export async function startLocalWorker(options: LocalWorkerOptions = {}): Promise<WranglerDev> {
  const port = options.port ?? Number(process.env.WORKER_PORT || 8787)
  await requireFreePorts([{ port, variable: 'WORKER_PORT', role: 'the Worker (wrangler dev)' }])
  console.log(`Starting the Worker (wrangler dev) on http://127.0.0.1:${port} …`)
  // CLIENT_KEYS: none unless the example gives its own (never the test suite's default key).
  const worker = await startWranglerDev({ port, vars: { UPSTREAM: 'auto', CLIENT_KEYS: '[]', ...options.vars } })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void worker.close().finally(() => process.exit(130)))
  }
  return worker
}
