import type { Context } from 'hono'
import { PRICES_CHECKED_AT } from './catalogue.ts'
import type { Identity } from '../auth/identity.ts'
import type { Config } from '../config.ts'
import { GatewayError } from '../errors.ts'
import { classifyFailure, failureToGatewayError } from '../upstream/errors.ts'
import { allowedModels, resolveModel } from './resolve-model.ts'

/** `GET /v1/models`: the models this caller may use, with limits and prices. */
export function modelsHandler(c: Context): Response {
  const config = c.get('config')
  const allowed = allowedModels(config, c.get('identity'))
  const data = config.catalogue.models
    .filter((m) => allowed.includes(m.id))
    .map((m) => ({
      id: m.id,
      alias: m.alias ?? null,
      display_name: m.displayName,
      default: m.id === config.defaultModel,
      context_window: m.contextWindow,
      max_output_tokens: m.maxOutput,
      pricing_usd_per_million_tokens: m.pricing,
    }))
  return c.json({ data, prices_checked_at: PRICES_CHECKED_AT })
}

/**
 * `GET /v1/models/:id`: one model the caller may use, in Anthropic's shape (what the SDKs'
 * `models.retrieve` parses), fetched from the upstream; aliases resolve to the model's id. An
 * unknown model is a 404 `not_found_error`, as Anthropic answers.
 */
export async function modelHandler(c: Context): Promise<Response> {
  const model = resolveModelOr404(c.req.param('id') ?? '', c.get('config'), c.get('identity'))
  try {
    return c.json(await c.get('upstream').client.models.retrieve(model.id, {}, { signal: c.req.raw.signal }))
  } catch (error) {
    throw failureToGatewayError(classifyFailure(error), [model.id], error)
  }
}

/** `resolveModel`, with an unknown model as Anthropic answers it: 404 `not_found_error`. */
export function resolveModelOr404(name: string, config: Config, identity: Identity) {
  try {
    return resolveModel(name, config, identity)
  } catch (error) {
    if (GatewayError.isInstance(error) && error.type === 'invalid_request_error') throw new GatewayError('not_found_error', error.message)
    throw error
  }
}
