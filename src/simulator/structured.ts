/**
 * Structured outputs (`output_config.format: { type: "json_schema", schema }`): the reply's text is a
 * JSON document generated deterministically from the schema, or, when a `[sim json=…]` directive
 * asks for it, one that breaks the schema (`invalid`) or is not JSON at all (`broken`).
 * See docs/simulator.md#structured-outputs.
 */
import { seededRandom } from './hash.ts'
import { randomWords } from './text.ts'

type Obj = Record<string, unknown>
/** What the reply's JSON should be: valid against the schema, valid JSON that violates it, or cut off. */
export type JsonMode = 'valid' | 'invalid' | 'broken'

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
/** Nesting deeper than this is not followed (recursive schemas are refused at validation). */
const MAX_DEPTH = 64
/** Bounds on what an absurd `minItems`/`minLength` makes the generator produce (Anthropic allows minItems 0 or 1 only). */
const MAX_ITEMS = 100
const MAX_LENGTH = 10_000

/**
 * The JSON Schema the request constrains its text to: `output_config.format.schema`, or the schema of
 * the deprecated top-level `output_format` (the structured-outputs beta). Undefined when there is none.
 */
export function outputSchema(body: Obj): Obj | undefined {
  const config = body.output_config
  const format = isObj(config) && isObj(config.format) ? config.format : body.output_format
  return isObj(format) && format.type === 'json_schema' && isObj(format.schema) ? format.schema : undefined
}

/**
 * What the real API refuses in a schema and the generator could not follow: a `$ref` that is not
 * local (`#…`), does not resolve, or is recursive. Undefined when the schema is usable.
 */
export function schemaProblem(root: Obj): string | undefined {
  const done = new Set<string>()
  const visit = (schema: unknown, stack: string[]): string | undefined => {
    if (Array.isArray(schema)) {
      for (const s of schema) {
        const problem = visit(s, stack)
        if (problem) return problem
      }
      return undefined
    }
    if (!isObj(schema)) return undefined
    const ref = schema.$ref
    if (ref !== undefined) {
      if (typeof ref !== 'string') return '$ref must be a string'
      if (!ref.startsWith('#')) return `$ref ${JSON.stringify(ref)}: only local references (#/$defs/…) are supported`
      if (stack.includes(ref)) return `$ref ${JSON.stringify(ref)}: recursive schemas are not supported`
      const target = resolveRef(root, ref)
      if (target === undefined) return `$ref ${JSON.stringify(ref)} does not resolve`
      if (!done.has(ref)) {
        const problem = visit(target, [...stack, ref])
        if (problem) return problem
        done.add(ref)
      }
    }
    // $defs and definitions are visited when referenced.
    for (const key of ['properties', 'patternProperties', 'dependentSchemas']) {
      const map = schema[key]
      if (isObj(map)) {
        const problem = visit(Object.values(map), stack)
        if (problem) return problem
      }
    }
    for (const key of ['items', 'prefixItems', 'additionalProperties', 'additionalItems', 'contains', 'not', 'if', 'then', 'else']) {
      const problem = visit(schema[key], stack)
      if (problem) return problem
    }
    for (const key of ['anyOf', 'oneOf', 'allOf']) {
      const problem = visit(schema[key], stack)
      if (problem) return problem
    }
    return undefined
  }
  return visit(root, [])
}

/** The subschema a local `$ref` (`#`, `#/$defs/x`, `#/definitions/x`, any JSON pointer) points at. */
function resolveRef(root: Obj, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined
  const pointer = ref.slice(1)
  if (pointer === '') return root
  if (!pointer.startsWith('/')) return undefined
  let at: unknown = root
  for (const raw of pointer.slice(1).split('/')) {
    let part: string
    try {
      part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    } catch {
      return undefined
    }
    if (Array.isArray(at) && /^\d+$/.test(part)) at = at[Number(part)]
    else if (isObj(at) && Object.hasOwn(at, part)) at = at[part]
    else return undefined
  }
  return at
}

/**
 * The reply text for a structured-output request, as tokens (pieces that join to the text):
 * `valid` a compact JSON document that validates against `schema`; `invalid` a JSON document that
 * does not (see {@link violate}); `broken` the valid document's first half of tokens, which is not JSON.
 * Same schema and seed, same text.
 */
export function structuredPieces(schema: Obj, seed: string, mode: JsonMode = 'valid'): string[] {
  const value = generateJson(schema, seed)
  if (mode === 'invalid') return splitJsonText(JSON.stringify(violate(schema, value)))
  const pieces = splitJsonText(JSON.stringify(value))
  if (mode === 'valid') return pieces
  for (let keep = Math.ceil(pieces.length / 2); keep > 0; keep--) {
    const cut = pieces.slice(0, keep)
    if (!parses(cut.join(''))) return cut
  }
  return [...pieces, ','] // a lone scalar: no prefix of it fails to parse
}

/** Whether `text` is a JSON document. */
export const parses = (text: string) => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * Splits JSON text into tokens as the simulator counts them: each word of a string (with its leading
 * space; the quotes stay with the first and last word), each number or literal, each punctuation mark.
 */
export function splitJsonText(text: string): string[] {
  const lexemes = text.match(/"(?:[^"\\]|\\.)*"?|[^"]+/g) ?? []
  return lexemes.flatMap((lexeme) =>
    lexeme.startsWith('"') ? (lexeme.match(/\s*\S+|\s+$/g) ?? [lexeme]) : (lexeme.match(/\s*[{}[\],:]|\s*[^{}[\],:\s]+|\s+$/g) ?? [lexeme]),
  )
}

/**
 * A value that validates against `schema`, derived deterministically from `seed`: an object has every
 * property of `properties` (required ones first, each group in schema order), a string a few words (or
 * the `format`: date, date-time, time, duration, email, hostname, uri, uuid, ipv4, ipv6; `minLength`
 * and `maxLength` respected), a number 1.5 and an integer 1 unless `minimum`/`maximum` (exclusive too)
 * and `multipleOf` say otherwise, a boolean `true`, an array `minItems` items (at least 1, at most
 * `maxItems`). `enum` gives its first non-null value, `const` its value, `anyOf`/`oneOf` the first branch
 * that is not just `null`, `allOf` the merged branches, a type list or `nullable` the first non-null
 * type. `$ref` follows local references (`#/$defs/…`, `#/definitions/…`). `pattern` is not followed.
 */
export function generateJson(schema: Obj, seed: string): unknown {
  const next = seededRandom(seed)
  const words = (n: number) => randomWords(next, n)
  const pick = (n: number) => Math.floor(next() * n)
  const two = (n: number) => String(n).padStart(2, '0')

  const value = (s: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new Error('schema nests too deeply')
    if (s === false) return null
    const e = effective(schema, s, depth)
    if ('const' in e) return e.const
    if (Array.isArray(e.enum) && e.enum.length > 0) return e.enum.find((v) => v !== null) ?? e.enum[0]
    switch (typeOf(e)) {
      case 'null':
        return null
      case 'boolean':
        return true
      case 'integer':
        return number(e, true)
      case 'number':
        return number(e, false)
      case 'array':
        return array(e, depth)
      case 'object':
        return object(e, depth)
      default:
        return string(e)
    }
  }

  const object = (e: Obj, depth: number) => {
    const props = isObj(e.properties) ? e.properties : {}
    const required = Array.isArray(e.required) ? e.required.filter((k): k is string => typeof k === 'string') : []
    const keys = [
      ...Object.keys(props).filter((k) => required.includes(k)),
      ...required.filter((k) => !Object.hasOwn(props, k)),
      ...Object.keys(props).filter((k) => !required.includes(k)),
    ]
    const other = isObj(e.additionalProperties) ? e.additionalProperties : {}
    const entries: [string, unknown][] = []
    for (const key of [...new Set(keys)]) {
      const sub = Object.hasOwn(props, key) ? props[key] : other
      if (sub === false) continue
      entries.push([key, value(sub, depth + 1)])
    }
    return Object.fromEntries(entries)
  }

  const array = (e: Obj, depth: number) => {
    const prefix: unknown[] = Array.isArray(e.prefixItems) ? e.prefixItems : Array.isArray(e.items) ? e.items : []
    const rest = Array.isArray(e.items) ? (e.additionalItems ?? {}) : (e.items ?? {})
    let count = Math.min(MAX_ITEMS, Math.max(1, num(e.minItems) ?? 0))
    if (rest === false) count = Math.min(count, prefix.length)
    const max = num(e.maxItems)
    if (max !== undefined) count = Math.min(count, max)
    return Array.from({ length: count }, (_, i) => value(i < prefix.length ? prefix[i] : rest, depth + 1))
  }

  const string = (e: Obj): string => {
    const formatted = formatValue(String(e.format ?? ''))
    if (formatted !== undefined) return formatted
    let chars = Array.from(words(1 + pick(3)).join(' '))
    const min = Math.min(MAX_LENGTH, num(e.minLength) ?? 0)
    while (chars.length < min) chars = [...chars, ' ', ...words(1)[0]!]
    const max = num(e.maxLength)
    if (max !== undefined && chars.length > max) {
      chars = chars.slice(0, max)
      if (chars.at(-1) === ' ') chars[chars.length - 1] = 'a'
    }
    return chars.join('')
  }

  const formatValue = (format: string): string | undefined => {
    const day = () => `2026-${two(1 + pick(12))}-${two(1 + pick(28))}`
    const time = () => `${two(pick(24))}:${two(pick(60))}:00Z`
    const word = () => words(1)[0]!
    switch (format) {
      case 'date':
        return day()
      case 'date-time':
        return `${day()}T${time()}`
      case 'time':
        return time()
      case 'duration':
        return `P${1 + pick(30)}D`
      case 'email':
        return `${word()}@example.com`
      case 'hostname':
        return `${word()}.example.com`
      case 'uri':
      case 'url':
      case 'uri-reference':
      case 'iri':
      case 'iri-reference':
        return `https://example.com/${word()}`
      case 'uuid': {
        const hex = Array.from({ length: 32 }, () => pick(16).toString(16))
        hex[12] = '4'
        hex[16] = '8'
        const h = hex.join('')
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
      }
      case 'ipv4':
        return `192.0.2.${1 + pick(254)}`
      case 'ipv6':
        return `2001:db8::${(1 + pick(0xfffe)).toString(16)}`
      default:
        return undefined
    }
  }

  return value(schema, 0)
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** 1 (integer) or 1.5 (number), moved inside the bounds and onto `multipleOf` when the schema has them. */
function number(e: Obj, integer: boolean): number {
  let lo = num(e.minimum) ?? -Infinity
  let hi = num(e.maximum) ?? Infinity
  // Draft 4 spells exclusive bounds as booleans beside minimum/maximum.
  let loOpen = e.exclusiveMinimum === true
  let hiOpen = e.exclusiveMaximum === true
  const exLo = num(e.exclusiveMinimum)
  const exHi = num(e.exclusiveMaximum)
  if (exLo !== undefined && exLo >= lo) [lo, loOpen] = [exLo, true]
  if (exHi !== undefined && exHi <= hi) [hi, hiOpen] = [exHi, true]
  if (integer) {
    lo = loOpen ? Math.floor(lo) + 1 : Math.ceil(lo)
    hi = hiOpen ? Math.ceil(hi) - 1 : Math.floor(hi)
    loOpen = hiOpen = false
  }
  let v = integer ? 1 : 1.5
  const below = loOpen ? v <= lo : v < lo
  const above = hiOpen ? v >= hi : v > hi
  if (below) v = !loOpen ? lo : Number.isFinite(hi) ? (lo + hi) / 2 : lo + 1
  else if (above) v = !hiOpen ? hi : Number.isFinite(lo) ? (lo + hi) / 2 : hi - 1
  const step = num(e.multipleOf)
  if (step !== undefined && step > 0) {
    let m = Math.ceil(v / step) * step
    if (m > hi || (hiOpen && m >= hi)) m = Math.floor(v / step) * step
    v = Number.parseFloat(m.toPrecision(12))
  }
  return v
}

/** The JSON type a (resolved) schema generates: its `type` (first non-null one), else what its keywords imply. */
function typeOf(e: Obj): string {
  const types = Array.isArray(e.type) ? e.type : [e.type]
  const type = types.find((t) => typeof t === 'string' && t !== 'null') ?? types.find((t) => typeof t === 'string')
  if (typeof type === 'string') return type
  if (e.properties !== undefined || e.required !== undefined || e.additionalProperties !== undefined) return 'object'
  if (e.items !== undefined || e.prefixItems !== undefined || e.minItems !== undefined) return 'array'
  if (e.minimum !== undefined || e.maximum !== undefined || e.multipleOf !== undefined) return 'number'
  return 'string'
}

/**
 * A schema with its `$ref` followed, its `allOf` merged in, and its `anyOf`/`oneOf` replaced by the
 * first branch that is not just `null` (merged with the keywords beside it).
 */
function effective(root: Obj, s: unknown, depth = 0): Obj {
  if (depth > MAX_DEPTH) throw new Error('schema nests too deeply')
  if (!isObj(s)) return {}
  let e: Obj = s
  if (typeof e.$ref === 'string') {
    const { $ref, ...rest } = e
    e = merge(effective(root, resolveRef(root, $ref as string), depth + 1), rest)
  }
  if (Array.isArray(e.allOf)) {
    const { allOf, ...rest } = e
    e = [rest, ...(allOf as unknown[]).map((b) => effective(root, b, depth + 1))].reduce(merge)
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = e[key]
    if (!Array.isArray(branches) || branches.length === 0) continue
    const { [key]: _, ...rest } = e
    const resolved = branches.map((b) => effective(root, b, depth + 1))
    const chosen = resolved.find((b) => !isNullOnly(b)) ?? resolved[0]!
    e = merge(rest, chosen)
  }
  return e
}

const isNullOnly = (e: Obj) => e.type === 'null' || (Array.isArray(e.type) && e.type.every((t) => t === 'null')) || e.const === null

/** Both schemas' keywords: properties merged, required united, otherwise `b` wins. */
function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a, ...b }
  if (isObj(a.properties) && isObj(b.properties)) out.properties = { ...a.properties, ...b.properties }
  if (Array.isArray(a.required) && Array.isArray(b.required)) out.required = [...new Set([...a.required, ...b.required])]
  return out
}

/**
 * A JSON value that does not validate against `schema`, made from the valid `value`: for an object, the
 * first required property is dropped and the next property whose schema can be broken gets a value of
 * another type (a string for a number, `0` for a string, …); if that is not enough (no required
 * property, nothing breakable, another `anyOf` branch still matching), a property the schema forbids
 * is added, and failing that the whole document is replaced by a value of another type.
 */
export function violate(schema: Obj, value: unknown): unknown {
  const fails = (doc: unknown) => !matches(schema, doc, schema)
  if (isObj(value)) {
    const e = effective(schema, schema)
    const required = Array.isArray(e.required) ? e.required : []
    const props = isObj(e.properties) ? e.properties : {}
    const entries = Object.entries(value)
    const dropped = entries.findIndex(([k]) => required.includes(k))
    const doc = entries.filter((_, i) => i !== dropped)
    for (const [i, [k, v]] of doc.entries()) {
      const wrong = wrongValue(schema, Object.hasOwn(props, k) ? props[k] : e.additionalProperties, v)
      if (wrong === undefined) continue
      doc[i] = [k, wrong]
      break
    }
    const result = Object.fromEntries(doc)
    if (fails(result)) return result
    const extra = Object.fromEntries([...doc, ['unexpected_property', true]])
    if (fails(extra)) return extra
  }
  const whole = wrongValue(schema, schema, value)
  return whole === undefined ? value : whole
}

const WRONG: unknown[] = ['not valid', 0, false, null, [], {}]
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

/** A value `schema` rejects, of another JSON type than `current` if one will do; undefined if it accepts anything. */
function wrongValue(root: Obj, schema: unknown, current: unknown): unknown {
  const candidates = [...WRONG.filter((c) => jsonType(c) !== jsonType(current)), ...WRONG.filter((c) => jsonType(c) === jsonType(current))]
  return candidates.find((c) => !matches(schema, c, root))
}

/**
 * Whether `value` validates against `schema`, for the keywords the generator knows (types, enum,
 * const, $ref, allOf, anyOf, properties, required, additionalProperties, items, lengths, bounds).
 * Lenient where it is unsure (`oneOf` counts as `anyOf`; `not`, `format`, `pattern`, `multipleOf` are
 * ignored), so what it rejects a full validator rejects too.
 */
export function matches(schema: unknown, value: unknown, root: Obj, depth = 0): boolean {
  if (schema === false) return false
  if (!isObj(schema) || depth > MAX_DEPTH) return true
  const sub = (s: unknown, v: unknown) => matches(s, v, root, depth + 1)
  if (typeof schema.$ref === 'string' && !sub(resolveRef(root, schema.$ref), value)) return false
  if (Array.isArray(schema.allOf) && !schema.allOf.every((s) => sub(s, value))) return false
  for (const key of ['anyOf', 'oneOf']) {
    const branches = schema[key]
    if (Array.isArray(branches) && branches.length > 0 && !branches.some((s) => sub(s, value))) return false
  }
  if ('const' in schema && !deepEqual(schema.const, value)) return false
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => deepEqual(v, value))) return false
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type]
    if (!types.some((t) => hasType(value, t)) && !(value === null && schema.nullable === true)) return false
  }
  if (typeof value === 'string') {
    const length = Array.from(value).length
    if (length < (num(schema.minLength) ?? 0) || length > (num(schema.maxLength) ?? Infinity)) return false
  }
  if (typeof value === 'number') {
    const min = num(schema.minimum)
    const max = num(schema.maximum)
    if (min !== undefined && (schema.exclusiveMinimum === true ? value <= min : value < min)) return false
    if (max !== undefined && (schema.exclusiveMaximum === true ? value >= max : value > max)) return false
    const exMin = num(schema.exclusiveMinimum)
    const exMax = num(schema.exclusiveMaximum)
    if ((exMin !== undefined && value <= exMin) || (exMax !== undefined && value >= exMax)) return false
  }
  if (Array.isArray(value)) {
    if (value.length < (num(schema.minItems) ?? 0) || value.length > (num(schema.maxItems) ?? Infinity)) return false
    const prefix: unknown[] = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : []
    const rest = Array.isArray(schema.items) ? undefined : schema.items
    if (!value.every((v, i) => (i < prefix.length ? sub(prefix[i], v) : sub(rest, v)))) return false
  }
  if (isObj(value)) {
    const props = isObj(schema.properties) ? schema.properties : {}
    if (Array.isArray(schema.required) && !schema.required.every((k) => typeof k !== 'string' || Object.hasOwn(value, k))) return false
    for (const [k, v] of Object.entries(value)) {
      if (Object.hasOwn(props, k)) {
        if (!sub(props[k], v)) return false
      } else if (schema.patternProperties === undefined && !sub(schema.additionalProperties, v)) return false
    }
  }
  return true
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null
    case 'boolean':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number'
    case 'integer':
      return Number.isInteger(value)
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isObj(value)
    default:
      return true
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  if (isObj(a) && isObj(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
  }
  return false
}
