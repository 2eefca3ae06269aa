import type { Hono } from 'hono'
import { createApp, type AppOptions } from './app.ts'
import { parseConfig, type Config } from './config.ts'
import { conversationObject } from './conversation-object.ts'
import { demoPage } from './demo/index.ts'
import type { GatewayEnv } from './gateway/variables.ts'
import { createSimulator, type Simulator } from './simulator/index.ts'
import { demoTools } from './tools/demo/index.ts'

/**
 * What the deployable Worker adds to the library's defaults, and the library leaves out of its
 * users' bundles: the demo tools, and the built-in simulator when `UPSTREAM=simulator` (npm start, demos).
 */
function workerOptions(config: Config): Omit<AppOptions, 'config'> {
  return { tools: demoTools, ...(config.upstream === 'simulator' && { fetch: workerSimulator().fetch }) }
}

let simulator: Simulator | undefined

/** The simulator of this isolate's Worker and Durable Objects (tests read what it was asked). */
export function workerSimulator(): Simulator {
  simulator ??= createSimulator()
  return simulator
}

/** The deployable Worker's app: `createApp` with the Worker's options, plus the demo page when `DEMO_PAGE=true`. */
export function createWorkerApp(config: Config): Hono<GatewayEnv> {
  if (config.upstream === 'simulator') {
    console.warn('claude-edge: UPSTREAM=simulator, replies come from the built-in Anthropic API simulator, not from Claude')
  }
  const app = createApp({ config, ...workerOptions(config) })
  // Local development only (DEMO_PAGE): the <claude-chat> demo at / and its bundle.
  if (config.demoPage) app.route('/', demoPage())
  return app
}

/** The Durable Object that runs the Worker's resumable generations (wrangler.toml binds it as CONVERSATIONS). */
export const WorkerConversationObject = conversationObject((env) => workerOptions(parseConfig(env)))
