import type { Context } from 'hono'
import { PRICES_CHECKED_AT } from './catalogue.ts'
import { allowedModels } from './models.ts'

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
