import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Config } from '../config.ts'
import { GatewayError } from '../errors.ts'

/**
 * Hono's `bodyLimit` at `MAX_BODY_BYTES` of the gateway's config: a larger body is a 413
 * `request_too_large` that says what to do, read no further than the limit. Mount it on the routes
 * that read a JSON body.
 */
export function requestBodyLimit(): MiddlewareHandler {
  const limits = new WeakMap<Config, MiddlewareHandler>()
  return function requestBodyLimit(c, next) {
    const config = c.get('config')
    let limit = limits.get(config)
    if (!limit) {
      limit = bodyLimit({
        maxSize: config.maxBodyBytes,
        onError: () => {
          throw new GatewayError(
            'request_too_large',
            `The request body is larger than MAX_BODY_BYTES (${config.maxBodyBytes} bytes). Send less text, or shorten the conversation.`,
          )
        },
      })
      limits.set(config, limit)
    }
    return limit(c, next)
  }
}
