import type Anthropic from '@anthropic-ai/sdk'
import * as z from 'zod/mini'
import { isTool, type Tool } from './define-tool.ts'

/** The tool-name rule of the Messages API (the simulator enforces the same). */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/

/** A tool definition that cannot work; thrown by `createApp` so the Worker fails at start-up. */
export class ToolDefinitionError extends Error {
  override readonly name = 'ToolDefinitionError'
}

/** The server tools of an app, checked once, with the definitions Claude receives. */
export class ToolRegistry {
  readonly #tools = new Map<string, Tool>()
  readonly #definitions = new Map<string, Anthropic.Tool>()

  constructor(tools: readonly Tool[] = []) {
    tools.forEach((tool, index) => {
      const label = describeTool(tool, index)
      if (!isTool(tool))
        throw new ToolDefinitionError(`${label}: not a tool; create it with defineTool({ name, description, input, execute })`)
      if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
        throw new ToolDefinitionError(
          `${label}: invalid name; Claude accepts 1-64 letters, digits, "_" or "-" (pattern ^[a-zA-Z0-9_-]{1,64}$)`,
        )
      }
      if (this.#tools.has(tool.name))
        throw new ToolDefinitionError(`${label}: duplicate name; another tool is already called "${tool.name}"`)
      if (typeof tool.description !== 'string' || !tool.description.trim()) {
        throw new ToolDefinitionError(`${label}: missing description; Claude uses it to decide when to call the tool`)
      }
      if (typeof tool.execute !== 'function') throw new ToolDefinitionError(`${label}: execute must be a function`)
      if (!Number.isFinite(tool.timeoutMs) || tool.timeoutMs <= 0) {
        throw new ToolDefinitionError(`${label}: timeoutMs must be a positive number of milliseconds, got ${String(tool.timeoutMs)}`)
      }
      this.#tools.set(tool.name, tool)
      this.#definitions.set(tool.name, { name: tool.name, description: tool.description, input_schema: inputSchema(tool, label) })
    })
  }

  get names(): string[] {
    return [...this.#tools.keys()]
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name)
  }

  /** The definition sent to Claude (`tools[]` of the Messages API). */
  definition(name: string): Anthropic.Tool | undefined {
    return this.#definitions.get(name)
  }
}

function describeTool(tool: unknown, index: number): string {
  const name = (tool as { name?: unknown } | null)?.name
  return typeof name === 'string' ? `Tool "${name}" (tools[${index}])` : `tools[${index}]`
}

function inputSchema(tool: Tool, label: string): Anthropic.Tool.InputSchema {
  if (!isZodSchema(tool.input)) throw new ToolDefinitionError(`${label}: input must be a zod 4 schema such as z.object({ … })`)
  let schema: Record<string, unknown>
  try {
    // The model writes the input, so the schema describes what the tool accepts (before transforms).
    schema = z.toJSONSchema(tool.input, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as Record<string, unknown>
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new ToolDefinitionError(
      `${label}: the input schema cannot be converted to JSON Schema (${reason}); use JSON types only (no dates, bigints, maps, sets or custom types)`,
    )
  }
  if (schema.type !== 'object') {
    throw new ToolDefinitionError(
      `${label}: the input schema must be an object (z.object({ … })), got ${JSON.stringify(schema.type ?? 'a schema without a type')}`,
    )
  }
  const { $schema: _drop, ...rest } = schema
  return rest as Anthropic.Tool.InputSchema
}

function isZodSchema(value: unknown): value is z.core.$ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value
}
