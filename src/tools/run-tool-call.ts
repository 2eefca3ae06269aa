import type Anthropic from '@anthropic-ai/sdk'
import * as z from 'zod/mini'
import '../validation/zod.ts'
import { raceAbort, timeoutSignal } from '../abort/abort.ts'
import { ToolError, type Tool, type ToolContext } from './define-tool.ts'
import { describeInputIssues } from './describe-input-issues.ts'

/** One tool call as listed in `steps` of the JSON response. */
export interface ToolStep {
  type: 'tool'
  id: string
  name: string
  input: unknown
  /** `server`: run by the gateway; `client`: handed over to the caller, who runs it. */
  executed_by: 'server' | 'client'
  /** `ok`, `error` (is_error result sent to the model) or `pending` (a client tool awaiting its result). */
  status: 'ok' | 'error' | 'pending'
  /** The tool_result content sent to the model (absent for pending client calls). */
  output?: string
  duration_ms?: number
}

export interface ToolCallOutcome {
  result: Anthropic.ToolResultBlockParam
  step: ToolStep
  /** The tool's output as returned (for UI streams), or the error text. */
  output: unknown
  isError: boolean
}

const MAX_LOGGED_CHARS = 500
/** Longest tool output sent to the model; longer output is cut with a note (context is not free). */
export const MAX_TOOL_OUTPUT_CHARS = 100_000

/**
 * Runs one `tool_use` block: validates the input, runs the tool with its timeout and the shared
 * signal, and always resolves to a `tool_result` (errors become `is_error` results the model can act on).
 */
export async function runToolCall(
  tool: Tool | undefined,
  call: Anthropic.ToolUseBlock,
  ctx: ToolContext,
  available: string[],
): Promise<ToolCallOutcome> {
  const started = Date.now()
  const finish = (content: string, isError: boolean, output: unknown = content): ToolCallOutcome => ({
    result: { type: 'tool_result', tool_use_id: call.id, content, ...(isError && { is_error: true }) },
    step: {
      type: 'tool',
      id: call.id,
      name: call.name,
      input: call.input,
      executed_by: 'server',
      status: isError ? 'error' : 'ok',
      output: content,
      duration_ms: Date.now() - started,
    },
    output,
    isError,
  })

  if (!tool) {
    return finish(`Unknown tool "${call.name}". Available tools: ${available.length ? available.join(', ') : 'none'}.`, true)
  }
  const parsed = z.safeParse(tool.input, call.input)
  if (!parsed.success) return finish(describeInputIssues(tool.name, parsed.error, call.input), true)

  const timeout = timeoutSignal(tool.timeoutMs, () => new ToolTimeout())
  const signal = AbortSignal.any([ctx.signal, timeout.signal])
  try {
    // Raced: a tool that ignores its signal is abandoned all the same.
    const output = await raceAbort(
      Promise.resolve().then(() => tool.execute(parsed.data, { ...ctx, signal })),
      signal,
    )
    return finish(serialise(output), false, output)
  } catch (err) {
    if (timeout.signal.aborted && !ctx.signal.aborted) {
      log(ctx, tool.name, call.id, `timed out after ${tool.timeoutMs} ms`)
      return finish(
        `Tool "${tool.name}" timed out after ${tool.timeoutMs} ms and was stopped. Try again with a simpler request, or answer without it.`,
        true,
      )
    }
    if (ctx.signal.aborted) {
      return finish(`Tool "${tool.name}" was interrupted: the request was cancelled or its deadline passed.`, true)
    }
    if (ToolError.isInstance(err)) return finish(`Tool "${tool.name}" failed: ${err.message}`, true)
    log(ctx, tool.name, call.id, err instanceof Error ? `${err.name}: ${err.message}` : String(err))
    return finish(`Tool "${tool.name}" failed with an internal error. Try again, or answer without it.`, true)
  } finally {
    timeout.clear()
  }
}

class ToolTimeout extends Error {
  override readonly name = 'TimeoutError'
}

function serialise(output: unknown): string {
  const text = typeof output === 'string' ? output : output === undefined ? 'null' : (JSON.stringify(output) ?? String(output))
  if (text.length <= MAX_TOOL_OUTPUT_CHARS) return text
  return `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n[output truncated: ${text.length - MAX_TOOL_OUTPUT_CHARS} more characters]`
}

function log(ctx: ToolContext, tool: string, id: string, detail: string) {
  ctx.logger({
    level: 'error',
    msg: 'tool failed',
    request_id: ctx.requestId,
    tool,
    tool_use_id: id,
    error: detail.slice(0, MAX_LOGGED_CHARS),
  })
}
