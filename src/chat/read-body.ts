import type { Context } from 'hono'
import { GatewayError } from '../errors.ts'

/** Parses the JSON body (its size was already capped by the body-limit middleware). */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (!text.trim()) throw new GatewayError('invalid_request_error', 'The request body is empty; send a JSON object like {"messages":[{"role":"user","content":"Hello"}]}')
  try {
    return JSON.parse(text)
  } catch {
    throw new GatewayError('invalid_request_error', 'The request body is not valid JSON; send a JSON object with content-type application/json')
  }
}
