import type { Hono } from 'hono'
import type { GatewayEnv } from './gateway/variables.ts'
import { createApp } from './app.ts'
import type { Config } from './config.ts'
import { demoPage } from './demo/index.ts'
import { createSimulator } from './simulator/index.ts'
import { demoTools } from './tools/demo/index.ts'

/**
 * The deployable Worker's app: the library's `createApp` with the demo tools, plus what only this
 * Worker needs and the library leaves out of its users' bundles: the built-in simulator when
 * `UPSTREAM=simulator` (npm start, demos) and the demo page when `DEMO_PAGE=true`.
 */
export function createWorkerApp(config: Config): Hono<GatewayEnv> {
  if (config.upstream === 'simulator') {
    console.warn('claude-edge: UPSTREAM=simulator, replies come from the built-in Anthropic API simulator, not from Claude')
  }
  const app = createApp({ config, tools: demoTools, ...(config.upstream === 'simulator' && { fetch: createSimulator().fetch }) })
  // Local development only (DEMO_PAGE): the <claude-chat> demo at / and its bundle.
  if (config.demoPage) app.route('/', demoPage())
  return app
}
