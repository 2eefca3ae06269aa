import type Anthropic from '@anthropic-ai/sdk'
import type { ChatRequest } from './request.ts'
import { autoChoice } from '../tools/active-tools.ts'
import { GatewayError } from '../errors.ts'
import type { ToolRegistry } from '../tools/registry.ts'
import { repairHistory } from '../tools/repair-history.ts'

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request_error', `Invalid request: ${message}`)
}

/**
 * Resolves the request's tools and repairs its history (unanswered `tool_use` blocks). Runs before
 * admission, so a bad tool list is a 400 that costs nothing. Sets `req.tools`, may change
 * `req.messages` and `req.toolChoice`, and adds to `req.warnings`.
 */
export function prepareTools(req: ChatRequest, registry: ToolRegistry): void {
  const { messages, repaired } = repairHistory(req.messages)
  if (repaired.length) {
    req.messages = messages
    req.warnings.push(
      `${repaired.length} tool call(s) in the history had no result (interrupted); they were answered with an error result so the conversation can go on: ${repaired.join(', ')}`,
    )
  }

  const available = registry.names
  let names = available
  if (req.toolNames) {
    const unknown = req.toolNames.filter((name) => !registry.get(name))
    if (unknown.length) {
      throw invalid(
        `tools: unknown tool(s) ${unknown.map((n) => `"${n}"`).join(', ')}. ${available.length ? `Available: ${available.join(', ')}` : 'This server has no server tools; declare your own in client_tools'}`,
      )
    }
    names = [...new Set(req.toolNames)]
  }
  const server = names.map((name) => registry.get(name)!)

  const client: string[] = []
  req.clientTools.forEach((tool, i) => {
    if (names.includes(tool.name))
      throw invalid(
        `client_tools.${i}.name: "${tool.name}" is already a server tool of this request; rename the client tool or leave "${tool.name}" out of tools`,
      )
    if (client.includes(tool.name)) throw invalid(`client_tools.${i}.name: duplicate client tool "${tool.name}"`)
    client.push(tool.name)
  })

  const definitions: Anthropic.Tool[] = [
    ...names.map((name) => registry.definition(name)!),
    ...req.clientTools.map((t) => ({
      name: t.name,
      ...(t.description && { description: t.description }),
      input_schema: t.input_schema as Anthropic.Tool.InputSchema,
    })),
  ]
  req.tools = { server, client, definitions, ...(req.toolChoice && { toolChoice: toolChoiceFor(req, definitions) }) }
  delete req.toolChoice
}

function toolChoiceFor(req: ChatRequest, definitions: Anthropic.Tool[]): Anthropic.ToolChoice {
  const choice = req.toolChoice!
  if (choice.type === 'none' || choice.type === 'auto') return choice
  if (!definitions.length) throw invalid(`tool_choice: "${choice.type}" needs at least one tool, and this request has none`)
  if (choice.type === 'tool' && !definitions.some((d) => d.name === choice.name)) {
    throw invalid(
      `tool_choice.name: "${String(choice.name)}" is not a tool of this request. Tools: ${definitions.map((d) => d.name).join(', ')}`,
    )
  }
  if (req.model.rejectsForcedToolUse) {
    req.warnings.push(`tool_choice "${choice.type}" (forced tool use) is not supported by ${req.model.id}; it was sent as "auto"`)
    return autoChoice(choice)
  }
  return choice
}
