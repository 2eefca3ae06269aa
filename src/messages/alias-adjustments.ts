import { autoChoice } from '../tools/active-tools.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import type { MessageParams } from '../upstream/params.ts'

const SAMPLING = ['temperature', 'top_p', 'top_k'] as const

/**
 * A request that named a model by alias (`balanced`) hid the model from the SDK, so the SDK could
 * not make its own per-model adjustments: make the ones `/v1/chat` makes (sampling parameters the
 * model rejects are dropped, forced tool use becomes `auto` on models that refuse it) and say so.
 * With a full model id the request is passed through as sent. Returns the warnings.
 */
export function adjustForAlias(params: MessageParams, model: ModelInfo): string[] {
  const warnings: string[] = []
  if (model.samplingFixed) {
    for (const field of SAMPLING) {
      if (params[field] == null) continue
      delete params[field]
      warnings.push(`${field} is not supported by ${model.id} and was ignored`)
    }
  }
  const choice = params.tool_choice
  if (model.rejectsForcedToolUse && choice && (choice.type === 'any' || choice.type === 'tool')) {
    params.tool_choice = autoChoice(choice)
    warnings.push(`tool_choice "${choice.type}" (forced tool use) is not supported by ${model.id}; it was sent as "auto"`)
  }
  return warnings
}
