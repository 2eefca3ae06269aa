import { strictSchema } from '../structured/strict-schema.ts'
import { ConfigError, type Config } from '../config.ts'
import type { ToolRegistry } from '../tools/registry.ts'
import type { Assistant } from './define-assistant.ts'

/**
 * The app's assistants (from `ASSISTANTS` and `createApp({ assistants })`), checked once: unique
 * ids, a known and allowed model (stored as its id), `max_tokens` within the model's output,
 * registered server tools. Problems throw one ConfigError naming each.
 */
export class AssistantRegistry {
  readonly #byId = new Map<string, Assistant>()

  constructor(assistants: readonly Assistant[], config: Config, tools: ToolRegistry) {
    const problems: string[] = []
    for (const assistant of assistants) {
      const where = `assistant "${assistant.id}"`
      if (this.#byId.has(assistant.id)) problems.push(`${where}: duplicate id`)
      const model = config.catalogue.get(assistant.model)
      if (!model) problems.push(`${where}.model: unknown model "${assistant.model}"`)
      else if (!config.allowedModels.includes(model.id)) problems.push(`${where}.model: "${assistant.model}" is not in ALLOWED_MODELS`)
      else if (assistant.max_tokens > model.maxOutput)
        problems.push(`${where}.max_tokens: ${assistant.max_tokens} is above ${model.id}'s ${model.maxOutput}`)
      for (const name of assistant.tools) if (!tools.get(name)) problems.push(`${where}.tools: unknown server tool "${name}"`)
      if (assistant.output_schema) {
        try {
          strictSchema(assistant.output_schema)
        } catch (error) {
          problems.push(`${where}.output_schema: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
      this.#byId.set(assistant.id, Object.freeze({ ...assistant, model: model?.id ?? assistant.model }))
    }
    if (problems.length) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`)
  }

  get(id: string): Assistant | undefined {
    return this.#byId.get(id)
  }

  get all(): Assistant[] {
    return [...this.#byId.values()]
  }

  /** Ids of the assistants anonymous callers may use. */
  get publicIds(): string[] {
    return this.all.filter((a) => a.public).map((a) => a.id)
  }
}

/**
 * Anonymous access is safe by construction (docs/assistants.md): `ALLOW_ANONYMOUS=true` needs a public
 * assistant (so a page never reaches a general-purpose Claude), a budget per visitor and a global
 * one. Throws a ConfigError naming what is missing.
 */
export function checkAnonymousAccess(config: Config, assistants: AssistantRegistry): void {
  if (!config.allowAnonymous) return
  const problems: string[] = []
  const open = assistants.all.filter((a) => a.public)
  if (!open.length)
    problems.push(
      'ASSISTANTS: ALLOW_ANONYMOUS=true needs at least one assistant with "public": true (anonymous callers may use only public assistants)',
    )
  if (config.dailyBudgetUsd === null && (!open.length || open.some((a) => a.daily_budget_usd === undefined))) {
    problems.push(
      'DAILY_BUDGET_USD: ALLOW_ANONYMOUS=true needs a daily budget per visitor (DAILY_BUDGET_USD, or daily_budget_usd on every public assistant)',
    )
  }
  if (config.globalDailyBudgetUsd === null) problems.push('GLOBAL_DAILY_BUDGET_USD: ALLOW_ANONYMOUS=true needs a global daily budget')
  if (problems.length) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`)
}

/** Every `assistants` entry of `CLIENT_KEYS` names an assistant of the app. */
export function checkKeyAssistants(config: Config, assistants: AssistantRegistry): void {
  const problems = config.clientKeys.flatMap((key) =>
    (key.assistants ?? []).filter((id) => !assistants.get(id)).map((id) => `CLIENT_KEYS "${key.id}".assistants: unknown assistant "${id}"`),
  )
  if (problems.length) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`)
}
