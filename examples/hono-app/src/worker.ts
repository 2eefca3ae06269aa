import { Hono } from 'hono'
import {
  authenticate,
  chatHandler,
  chatStreamHandler,
  defineTool,
  gateway,
  type GatewayEnv,
  limits,
  requestBodyLimit,
  usageHandler,
} from 'claude-edge'
import { createSimulator } from 'claude-edge/testing'
import * as z from 'zod/mini'

/** The Worker's own bindings (wrangler.toml [vars], secrets), next to the gateway's variables. */
type Env = { Bindings: { SITE_NAME?: string; UPSTREAM?: string } } & GatewayEnv

/** A tool of this app: Claude calls it with validated input. */
const openingHours = defineTool({
  name: 'opening_hours',
  description: 'Opening hours of the shop for a weekday (monday … sunday).',
  input: z.object({ day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) }),
  execute: ({ day }, { env }) => ({ day, hours: day === 'sunday' ? 'closed' : '9:00-18:00', site: env.SITE_NAME ?? 'the shop' }),
})

/**
 * An existing Hono app that mounts the claude-edge routes it wants under /ai, composed from the
 * library's parts (the same parts `createApp` is made of), next to routes of its own.
 */
const app = new Hono<Env>()

app.get('/', (c) => c.text(`Welcome to ${c.env.SITE_NAME ?? 'my site'}`))

// The gateway's context for everything under /ai: config parsed from the bindings on the first
// request, the tools, the upstream client (the simulator when UPSTREAM=simulator), the limiter.
app.use(
  '/ai/*',
  gateway((env) => ({ tools: [openingHours], ...(env.UPSTREAM === 'simulator' && { fetch: createSimulator().fetch }) })),
)
app.use('/ai/v1/*', authenticate(), limits())
app.post('/ai/v1/chat', requestBodyLimit(), chatHandler)
app.post('/ai/v1/chat/stream', requestBodyLimit(), chatStreamHandler)
app.get('/ai/v1/usage', usageHandler)
// No app.onError: a GatewayError answers through Hono's default handler (GatewayError#getResponse),
// as the JSON error of the HTTP contract with its request id.

export default app
