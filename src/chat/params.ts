import type Anthropic from '@anthropic-ai/sdk'
import type { LoopRequest } from '../tools/tool-loop.ts'
import type { MessageParams } from '../upstream/params.ts'
import type { ChatRequest } from './request.ts'
import { strictSchema } from '../structured/strict-schema.ts'

/** The Messages API parameters for a chat request (without tools: the tool loop adds them, with `tool_choice`). */
export function messageParams(req: ChatRequest, messages: Anthropic.MessageParam[] = req.messages): MessageParams {
  return {
    model: req.model.id,
    max_tokens: req.maxTokens,
    messages,
    ...(req.system !== undefined && { system: req.system }),
    ...(req.temperature !== undefined && { temperature: req.temperature }),
    ...(req.thinking && { thinking: req.thinking }),
    // Structured output: Claude answers with JSON that follows the schema; the gateway checks it (structured/).
    ...(req.outputSchema && { output_config: { format: { type: 'json_schema' as const, schema: strictSchema(req.outputSchema) } } }),
  }
}

/** What the tool loop needs of a chat request (read when the loop starts: the reservation is set by then). */
export function loopRequest(req: ChatRequest): LoopRequest {
  return {
    params: messageParams(req),
    warnings: req.warnings,
    ...(req.tools && { tools: req.tools }),
    ...(req.reservation && { reservation: req.reservation }),
  }
}
