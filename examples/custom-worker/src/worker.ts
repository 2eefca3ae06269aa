import { Hono } from 'hono'
import { createApp, demoTools, parseConfig } from 'claude-edge'
import { createSimulator } from 'claude-edge/testing'
import { orderStatus, type ShopEnv } from './tools.ts'

type Env = ShopEnv & Record<string, unknown>

let gateway: { env: Env; app: Hono<{ Bindings: Env }> } | undefined

/** Built once per isolate: config parsing and tool checks (a bad tool fails here, loudly). */
function build(env: Env): Hono<{ Bindings: Env }> {
  const config = parseConfig(env)
  // Local runs (UPSTREAM=simulator in wrangler.toml) answer from the simulator, passed in explicitly.
  const claude = createApp({
    config,
    tools: [orderStatus, ...demoTools],
    ...(config.upstream === 'simulator' && { fetch: createSimulator().fetch }),
  })
  const app = new Hono<{ Bindings: Env }>()
  app.get('/hello', (c) => c.text(`Hello from ${c.env.SHOP_NAME ?? 'your Worker'}`))
  app.route('/', claude)
  return app
}

/** Your own Worker: the claude-edge routes (with your tool) next to routes of your own. */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (gateway?.env !== env) gateway = { env, app: build(env) }
    return gateway.app.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Env>
