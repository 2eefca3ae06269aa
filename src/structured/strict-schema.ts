import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema'

/** One strict schema per schema object (an assistant's is converted once). */
const strict = new WeakMap<object, Record<string, unknown>>()

/**
 * The schema as Anthropic's structured outputs take it, converted by the SDK's own
 * `transformJSONSchema` (what its `jsonSchemaOutputFormat` does): `additionalProperties: false` on
 * every object, unsupported constraints (`minimum`, `pattern`, …) moved into descriptions. The
 * gateway still checks the answer against the original schema, constraints included. Throws an
 * Error saying what is wrong: the root must be an object schema.
 */
export function strictSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const known = strict.get(schema)
  if (known) return known
  if (schema.type !== 'object')
    throw new Error(`the root must be an object schema ("type": "object"), got ${JSON.stringify(schema.type ?? null)}`)
  const converted = transformJSONSchema(schema) as Record<string, unknown>
  strict.set(schema, converted)
  return converted
}
