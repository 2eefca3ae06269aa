import type { Directive, JsonDirective, StopReasonDirective, ToolCallDirective } from './directives.ts'
import { defaultErrorMessage, errorTypeForStatus } from './errors.ts'

/** What the directives that apply to one request ask for, merged (later groups win). */
export interface Script {
  /** Answer with this HTTP error before any byte. */
  failure?: { status: number; type: string; message: string; headers: Record<string, string> }
  tokens?: number
  /** Tokens per text/thinking delta (default 1). */
  chunk?: number
  text?: string
  thinking?: number
  /** Milliseconds between stream events (JSON mode: waited once per event it would have sent). */
  delay: number
  /** Silence before the response starts (no headers yet). */
  stallBefore?: number
  /** Silence of `ms` after `after` stream events. */
  stall?: { ms: number; after: number }
  /** An `event: error` frame after `after` events, then the stream ends. */
  error?: { type: string; message: string; after: number }
  /** The connection drops after `after` events. */
  drop?: { after: number }
  tools: ToolCallDirective[]
  stop?: StopReasonDirective
  /** With `output_config.format`: the reply's JSON is valid (default), violates the schema, or is cut off. */
  json?: JsonDirective
}

export interface ScriptContext {
  /** 1 for the first model call after the human turn, 2 after one assistant turn, … */
  step: number
  model: string
  /** The request has `output_config.format` (a JSON schema): only then do `json=` groups apply. */
  structured?: boolean
}

/**
 * Merges the groups that apply to this request. A group with `step=N` applies only at step N;
 * one with `tool=` and no step only at step 1; others at every step. `model=` restricts a group to
 * that model, `json=` to requests with a structured-output format. `times=K` makes a group apply to its first K matching requests only, counted in
 * `counters` (per simulator instance, keyed by the group's text).
 */
export function resolveScript(directives: Directive[], ctx: ScriptContext, counters: Map<string, number>): Script {
  const script: Script = { delay: 0, tools: [] }
  for (const d of directives) {
    const step = d.step ?? (d.tools ? 1 : undefined)
    if (step !== undefined && step !== ctx.step) continue
    if (d.model !== undefined && d.model !== ctx.model) continue
    if (d.json !== undefined && !ctx.structured) continue
    if (d.times !== undefined) {
      const used = counters.get(d.raw) ?? 0
      if (used >= d.times) continue
      counters.set(d.raw, used + 1)
    }
    apply(script, d)
  }
  return script
}

function apply(s: Script, d: Directive) {
  if (d.status !== undefined) {
    const type = d.type ?? errorTypeForStatus(d.status)
    const headers: Record<string, string> = {}
    if (d.retryAfter !== undefined) headers['retry-after'] = String(d.retryAfter)
    if (d.retryAfterMs !== undefined) headers['retry-after-ms'] = String(d.retryAfterMs)
    if (d.shouldRetry !== undefined) headers['x-should-retry'] = String(d.shouldRetry)
    s.failure = { status: d.status, type, message: d.message ?? defaultErrorMessage(type), headers }
  }
  if (d.tokens !== undefined) s.tokens = d.tokens
  if (d.chunk !== undefined) s.chunk = d.chunk
  if (d.text !== undefined) s.text = d.text
  if (d.thinking !== undefined) s.thinking = d.thinking
  if (d.delay !== undefined) s.delay = d.delay
  if (d.stall !== undefined) {
    if (d.after === undefined) s.stallBefore = d.stall
    else s.stall = { ms: d.stall, after: d.after }
  }
  if (d.error !== undefined) {
    s.error = { type: d.error, message: d.message ?? defaultErrorMessage(d.error), after: d.after ?? 1 }
  }
  if (d.drop) s.drop = { after: d.after ?? 1 }
  if (d.tools) s.tools.push(...d.tools)
  if (d.stop !== undefined) s.stop = d.stop
  if (d.json !== undefined) s.json = d.json
}
