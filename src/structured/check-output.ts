import { Validator, type Schema } from '@cfworker/json-schema'

export type OutputCheck = { ok: true; value: unknown } | { ok: false; problems: string[] }

/** Most problems named in a message (a reply can be wrong in many places at once). */
const MAX_PROBLEMS = 5

/** Keywords whose error only says that something inside failed. */
const WRAPPERS = new Set([
  'properties',
  'items',
  'prefixItems',
  'additionalProperties',
  'patternProperties',
  '$ref',
  'allOf',
  'dependentSchemas',
])

/** One compiled validator per schema object (assistants reuse theirs for every request). */
const validators = new WeakMap<object, Validator>()

/**
 * Parses a reply's text as JSON and validates it against `schema` (JSON Schema 2020-12, with
 * `@cfworker/json-schema`: no `eval`, so it runs on Workers). Problems name the failing path
 * (`/items/0/price: …`), the deepest first; a reply that is not JSON at all is one problem.
 */
export function checkOutput(text: string, schema: Record<string, unknown>): OutputCheck {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, problems: [`(root): not valid JSON (${error instanceof Error ? error.message : String(error)})`] }
  }
  let validator = validators.get(schema)
  if (!validator) validators.set(schema, (validator = new Validator(schema as Schema, '2020-12', false)))
  const result = validator.validate(value)
  if (result.valid) return { ok: true, value }
  // The validator reports each failure and then every schema around it ("Property … does not match
  // schema"): such a wrapper over a deeper failure only repeats it, so it is left out.
  const paths = result.errors.map((e) => e.instanceLocation.replace(/^#/, ''))
  const seen = new Set<string>()
  const problems: string[] = []
  const errors = result.errors.map((e, i) => ({ path: paths[i]!, error: e.error, keyword: e.keyword }))
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}/`)
  for (const { path, error, keyword } of [...errors].sort((a, b) => b.path.length - a.path.length)) {
    const wrapper = WRAPPERS.has(keyword) && errors.some((e) => !WRAPPERS.has(e.keyword) && within(e.path, path))
    if (wrapper || seen.has(`${path} ${error}`)) continue
    seen.add(`${path} ${error}`)
    seen.add(path)
    problems.push(`${path || '(root)'}: ${error.replace(/\.$/, '')}`)
    if (problems.length === MAX_PROBLEMS) break
  }
  return { ok: false, problems }
}

/** The user turn that asks for a corrected answer, naming what was wrong. */
export function repairPrompt(problems: readonly string[]): string {
  return `Your previous answer does not match the required JSON schema: ${problems.join('; ')}. Answer again with only the corrected JSON document.`
}
