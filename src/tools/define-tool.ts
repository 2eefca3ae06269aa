import type * as z from 'zod/mini'
import type { Identity } from '../auth/identity.ts'
import type { Logger } from '../logger/logger.ts'
import { hasMarker } from '../marker.ts'

/** What a tool's `execute` gets besides its validated input. */
export interface ToolContext<Env = Record<string, unknown>> {
  /** The request's id (`x-request-id`), for the tool's own logs. */
  requestId: string
  /** Who made the request (key id, session `sub` or IP). */
  identity: Identity
  /** Aborted when the client leaves, the tool's `timeoutMs` passes or the request deadline passes. */
  signal: AbortSignal
  /** The Worker's bindings (`env` of the fetch handler). */
  env: Env
  /** The gateway's logger, for the tool's own lines: `ctx.logger({ level: 'info', msg: 'cache miss', request_id: ctx.requestId })`. */
  logger: Logger
}

export interface ToolOptions<Input extends z.core.$ZodType, Output, Env> {
  /** The name Claude calls the tool by: 1-64 letters, digits, `_` or `-`, unique in the app. */
  name: string
  /** What the tool does and when to use it; Claude reads this to decide. */
  description: string
  /** Zod 4 schema of the input (classic `zod` or `zod/mini`); converted with `z.toJSONSchema`, must describe an object. */
  input: Input
  /**
   * Runs the tool. Return a string or anything JSON can encode. Throw a `ToolError` to show its
   * message to the model; any other error reaches the model as a generic message (details in the log).
   */
  execute(input: z.output<Input>, ctx: ToolContext<Env>): Output | Promise<Output>
  /**
   * Milliseconds before the call is abandoned (its `signal` aborts) and the model gets a timeout error.
   * @default 10000
   */
  timeoutMs?: number
}

const MARKER = Symbol.for('claude-edge.Tool')

/** A server tool, as returned by `defineTool`. */
// biome-ignore lint/suspicious/noExplicitAny: `Env` defaults to any so tools with and without bindings fit one `Tool[]`
export interface Tool<Input extends z.core.$ZodType = z.core.$ZodType, Output = unknown, Env = any>
  extends Readonly<ToolOptions<Input, Output, Env>> {
  readonly timeoutMs: number
  readonly [MARKER]: true
}

export const DEFAULT_TOOL_TIMEOUT_MS = 10_000

/**
 * Declares a server tool that `createApp({ tools })` offers to Claude and runs in the tool loop.
 * Definitions are checked when the app is created (name, duplicates, schema).
 *
 * @example
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   input: z.object({ city: z.string() }),
 *   execute: async ({ city }, { signal }) => (await fetch(`https://wttr.in/${city}?format=j1`, { signal })).json(),
 * })
 */
export function defineTool<Input extends z.core.$ZodType, Output, Env = Record<string, unknown>>(
  options: ToolOptions<Input, Output, Env>,
): Tool<Input, Output, Env> {
  return Object.freeze({ ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS, [MARKER]: true as const })
}

export function isTool(value: unknown): value is Tool {
  return hasMarker(value, MARKER)
}

const ERROR_MARKER = Symbol.for('claude-edge.ToolError')

/**
 * An error whose message is meant for the model (e.g. "no city named X; try a larger city nearby").
 * Other errors thrown by a tool reach the model as a generic message and are logged in full.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError'
  readonly [ERROR_MARKER] = true

  static isInstance(value: unknown): value is ToolError {
    return hasMarker(value, ERROR_MARKER)
  }
}
