import { Hono } from 'hono'
import { createApp, demoTools, parseConfig } from 'claude-edge'
import { orderStatus, type ShopEnv } from './tools.ts'

type Env = ShopEnv & Record<string, unknown>

let gateway: { env: Env; app: Hono } | undefined

/** Your own Worker: the claude-edge routes (with your tool) next to routes of your own. */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (gateway?.env !== env) {
      // Built once per isolate: config parsing and tool checks (a bad tool fails here, loudly).
      const claude = createApp({ config: parseConfig(env), tools: [orderStatus, ...demoTools] })
      const app = new Hono<{ Bindings: Env }>()
      app.get('/hello', (c) => c.text(`Hello from ${c.env.SHOP_NAME ?? 'your Worker'}`))
      app.route('/', claude)
      gateway = { env, app }
    }
    return gateway.app.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Env>
