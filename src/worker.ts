import { ConfigError, parseConfig } from './config.ts'
import { errorBody } from './errors.ts'
import { createWorkerApp, WorkerConversationObject } from './worker-app.ts'

type Handler = (request: Request, env: Record<string, unknown>, ctx: ExecutionContext) => Response | Promise<Response>

/** Built once per isolate (and again only if the bindings object changes). */
let built: { env: unknown; fetch: Handler } | undefined

function build(env: Record<string, unknown>): Handler {
  try {
    const app = createWorkerApp(parseConfig(env))
    return (request, env, ctx) => app.fetch(request, env, ctx)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // Fail loudly in the log with the variable names; the client only learns that it is our fault.
    console.error(`claude-edge: ${error.message}`)
    return () =>
      Response.json(
        errorBody(
          'api_error',
          'The gateway is misconfigured; its operator must fix the Worker settings (see the Worker logs).',
          crypto.randomUUID(),
        ),
        { status: 500 },
      )
  }
}

/** The deployable Worker: the library configured from environment variables (docs/configuration.md). */
export default {
  fetch(request, env, ctx) {
    if (built?.env !== env) built = { env, fetch: build(env) }
    return built.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Record<string, unknown>>

/** Runs resumable generations and, without Upstash, stores conversations (see wrangler.toml). */
export class ConversationObject extends WorkerConversationObject {}
