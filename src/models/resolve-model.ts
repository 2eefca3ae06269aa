import type { Identity } from '../auth/identity.ts'
import type { Config } from '../config.ts'
import { GatewayError } from '../errors.ts'
import type { ModelInfo } from './catalogue.ts'

/** Model ids this identity may use: its own list narrowed to the app's allowed set. */
export function allowedModels(config: Config, identity?: Identity): string[] {
  const own = identity?.models
  return own ? config.allowedModels.filter((id) => own.includes(id)) : config.allowedModels
}

/**
 * Resolves an alias or id to a model the caller may use: an unknown name is a 400 that lists the
 * valid ones, a known model outside the caller's allowed set a 403 that lists the allowed ones.
 */
export function resolveModel(name: string, config: Config, identity?: Identity): ModelInfo {
  const model = config.catalogue.get(name)
  const allowed = allowedModels(config, identity)
  if (!model) {
    const aliases = config.catalogue.models.filter((m) => m.alias && allowed.includes(m.id)).map((m) => m.alias)
    throw new GatewayError(
      'invalid_request_error',
      `model: unknown model "${name}". Use an alias (${aliases.join(', ')}) or one of: ${allowed.join(', ')}`,
    )
  }
  if (!allowed.includes(model.id)) {
    throw new GatewayError('permission_error', `model: ${model.id} is not allowed for this caller. Allowed: ${allowed.join(', ')}`)
  }
  return model
}
