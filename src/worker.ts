import type { Hono } from 'hono'
import { createApp } from './app.ts'
import { ConfigError, parseConfig } from './config.ts'
import { errorBody } from './errors.ts'

/** The deployable Worker: the library configured from environment variables. */
let built: { env: unknown; app: Hono } | undefined

function misconfigured(error: ConfigError): Hono['fetch'] {
  console.error(`claude-edge: ${error.message}`)
  return () =>
    Response.json(errorBody('api_error', 'The gateway is misconfigured; its operator must fix the Worker settings (see the Worker logs).', crypto.randomUUID()), {
      status: 500,
    })
}

export default {
  fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Response | Promise<Response> {
    if (built?.env !== env) {
      try {
        built = { env, app: createApp({ config: parseConfig(env) }) }
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        return misconfigured(error)(request, env, ctx)
      }
    }
    return built.app.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Record<string, unknown>>
