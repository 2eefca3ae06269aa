/**
 * Directives script the simulator from the text of the last human turn, as bracket groups:
 *
 *   [sim tokens=40 delay=25]
 *   [sim status=429 retry_after=2 times=1]
 *   [sim step=1 tool=get_weather {"city":"Paris"}]
 *
 * One group is one clause; every key in it applies together. See docs/simulator.md#directives.
 */

export type StopReasonDirective = 'end_turn' | 'max_tokens' | 'refusal' | 'stop_sequence' | 'pause_turn'
/** What a structured-output reply's JSON should be (docs/simulator.md#structured-outputs). */
export type JsonDirective = 'valid' | 'invalid' | 'broken'

export interface ToolCallDirective {
  name: string
  input: Record<string, unknown>
}

export interface Directive {
  /** The group's source text with whitespace collapsed: the key of its `times` counter. */
  raw: string
  step?: number
  times?: number
  model?: string
  tokens?: number
  chunk?: number
  text?: string
  thinking?: number
  delay?: number
  stall?: number
  after?: number
  status?: number
  retryAfter?: number
  retryAfterMs?: number
  shouldRetry?: boolean
  message?: string
  /** With `status`: the error type to answer with, instead of the one matching the status. */
  type?: string
  error?: string
  drop?: boolean
  tools?: ToolCallDirective[]
  stop?: StopReasonDirective
  /** The group applies only to requests with `output_config.format`; their JSON is valid, invalid or broken. */
  json?: JsonDirective
}

export class DirectiveError extends Error {
  override name = 'DirectiveError'
}

const ERROR_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
])
const STOPS = new Set<string>(['end_turn', 'max_tokens', 'refusal', 'stop_sequence', 'pause_turn'])
const JSON_MODES = new Set<string>(['valid', 'invalid', 'broken'])
const INT_KEYS = {
  step: 'step',
  times: 'times',
  tokens: 'tokens',
  chunk: 'chunk',
  thinking: 'thinking',
  delay: 'delay',
  stall: 'stall',
  after: 'after',
  status: 'status',
  retry_after: 'retryAfter',
  retry_after_ms: 'retryAfterMs',
} as const

/** Parses every `[sim …]` group in `text`. Throws DirectiveError with a message that says what is wrong. */
export function parseDirectives(text: string): Directive[] {
  const out: Directive[] = []
  let from = 0
  for (;;) {
    const start = text.indexOf('[sim', from)
    if (start === -1) return out
    const next = text[start + 4]
    if (next !== undefined && next !== ']' && !/\s/.test(next)) {
      from = start + 4
      continue
    }
    const { directive, end } = parseGroup(text, start)
    out.push(directive)
    from = end
  }
}

function parseGroup(text: string, start: number): { directive: Directive; end: number } {
  const d: Directive = { raw: '' }
  let i = start + 4
  const fail = (msg: string): never => {
    throw new DirectiveError(`simulator directive ${JSON.stringify(text.slice(start, Math.min(text.length, i + 1)))}: ${msg}`)
  }
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++
  }
  const readBare = () => {
    const s = i
    while (i < text.length && !/[\s\]]/.test(text[i]!)) i++
    return text.slice(s, i)
  }
  const readQuoted = (): string => {
    const s = i
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    if (i >= text.length) fail('unterminated string')
    i++
    try {
      return JSON.parse(text.slice(s, i)) as string
    } catch {
      return fail('bad string escape')
    }
  }
  const readJson = (): unknown => {
    const s = i
    let depth = 0
    for (; i < text.length; i++) {
      const ch = text[i]
      if (ch === '"') {
        i++
        while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
      } else if (ch === '{' || ch === '[') depth++
      else if (ch === '}' || ch === ']') {
        depth--
        if (depth === 0) {
          i++
          break
        }
      }
    }
    try {
      return JSON.parse(text.slice(s, i))
    } catch {
      return fail('tool input is not valid JSON')
    }
  }

  for (;;) {
    skipSpace()
    if (i >= text.length) fail('missing closing "]"')
    if (text[i] === ']') {
      i++
      break
    }
    const keyStart = i
    while (i < text.length && /[a-z_]/.test(text[i]!)) i++
    const key = text.slice(keyStart, i)
    if (!key) fail(`unexpected ${JSON.stringify(text[i])}`)
    if (text[i] !== '=') {
      if (key === 'drop') {
        d.drop = true
        continue
      }
      fail(`"${key}" needs a value (${key}=…)`)
    }
    i++
    const value = text[i] === '"' ? readQuoted() : readBare()
    if (key in INT_KEYS) {
      if (!/^\d+$/.test(value)) fail(`${key} must be a non-negative integer, got ${JSON.stringify(value)}`)
      d[INT_KEYS[key as keyof typeof INT_KEYS]] = Number(value)
      continue
    }
    switch (key) {
      case 'model':
        d.model = value
        break
      case 'text':
        d.text = value
        break
      case 'message':
        d.message = value
        break
      case 'should_retry':
        if (value !== 'true' && value !== 'false') fail('should_retry must be true or false')
        d.shouldRetry = value === 'true'
        break
      case 'error':
        if (!ERROR_TYPES.has(value)) fail(`unknown error type ${JSON.stringify(value)}`)
        d.error = value
        break
      case 'type':
        if (!ERROR_TYPES.has(value)) fail(`unknown error type ${JSON.stringify(value)}`)
        d.type = value
        break
      case 'stop':
        if (!STOPS.has(value)) fail(`stop must be one of ${[...STOPS].join(', ')}`)
        d.stop = value as StopReasonDirective
        break
      case 'json':
        if (!JSON_MODES.has(value)) fail(`json must be one of ${[...JSON_MODES].join(', ')}`)
        d.json = value as JsonDirective
        break
      case 'tool': {
        if (!/^[a-zA-Z0-9_-]{1,128}$/.test(value)) fail(`bad tool name ${JSON.stringify(value)}`)
        skipSpace()
        let input: unknown = {}
        if (text[i] === '{' || text[i] === '[') input = readJson()
        if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('tool input must be a JSON object')
        ;(d.tools ??= []).push({ name: value, input: input as Record<string, unknown> })
        break
      }
      default:
        fail(`unknown key "${key}"`)
    }
  }
  if (d.status !== undefined && (d.status < 400 || d.status > 599)) fail('status must be 400–599')
  if (d.type !== undefined && d.status === undefined) fail('type=TYPE needs status=')
  if (d.after !== undefined && d.stall === undefined && d.error === undefined && !d.drop) {
    fail('after=N needs stall=, error= or drop')
  }
  if (d.step === 0) fail('steps count from 1')
  if (d.times === 0) fail('times must be at least 1')
  if (d.chunk === 0) fail('chunk must be at least 1')
  d.raw = text.slice(start, i).replace(/\s+/g, ' ')
  return { directive: d, end: i }
}
