import type { MiddlewareHandler } from 'hono'
import { allowedModels } from './models.ts'

/**
 * Narrows the request's `upstream` to the caller: its fallback chain only holds models this
 * identity may use. Mount after the middleware that sets the identity, before the routes.
 *
 * @example app.use('/v1/*', callerUpstream())
 */
export function callerUpstream(): MiddlewareHandler {
  return async function callerUpstream(c, next) {
    c.set('upstream', c.get('upstream').forCaller({ allowedModels: allowedModels(c.get('config'), c.get('identity')) }))
    await next()
  }
}
