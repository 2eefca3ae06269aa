import type { Context } from 'hono'
import { GatewayError } from '../errors.ts'
import '../observability/request-log.ts'

/**
 * Parses the JSON body (its size was already capped by the body-limit middleware). The text is
 * kept on the context as `requestBody`, for the request log (`LOG_BODIES`): the log shows what a
 * route read, and reads nothing itself. It costs no copy: Hono keeps the same string.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  c.set('requestBody', text)
  if (!text.trim())
    throw new GatewayError(
      'invalid_request_error',
      'The request body is empty; send a JSON object like {"messages":[{"role":"user","content":"Hello"}]}',
    )
  try {
    return JSON.parse(text)
  } catch {
    throw new GatewayError(
      'invalid_request_error',
      'The request body is not valid JSON; send a JSON object with content-type application/json',
    )
  }
}
