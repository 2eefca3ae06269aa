import type Anthropic from '@anthropic-ai/sdk'
import type { Tool } from './define-tool.ts'

/** The tools one request may use, resolved from the app's tools and the request's `tools` / `client_tools`. */
export interface ActiveTools {
  /** Server tools the gateway runs. */
  server: Tool[]
  /** Names of the caller's client tools: handed over, never run here. */
  client: string[]
  /** `tools` of the Messages API: server definitions, then client ones. */
  definitions: Anthropic.Tool[]
  /** `tool_choice` for the first model call (later calls use `auto`, so a forced choice cannot loop). */
  toolChoice?: Anthropic.ToolChoice
}

/** `auto`, keeping the caller's `disable_parallel_tool_use`. */
export function autoChoice(choice: Anthropic.ToolChoice): Anthropic.ToolChoice {
  const parallel = 'disable_parallel_tool_use' in choice ? choice.disable_parallel_tool_use : undefined
  return { type: 'auto', ...(parallel !== undefined && { disable_parallel_tool_use: parallel }) }
}
