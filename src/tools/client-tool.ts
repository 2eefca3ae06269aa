import * as z from 'zod/mini'
import '../validation/zod.ts'
import { TOOL_NAME } from './registry.ts'

/** A tool the caller declares and runs itself (`client_tools` of a chat request or an assistant). */
export const clientTool = z.strictObject({
  name: z.string().check(z.regex(TOOL_NAME, 'tool names are 1-64 letters, digits, _ or -')),
  description: z.optional(z.string().check(z.maxLength(10_000))),
  input_schema: z.looseObject({ type: z.literal('object') }),
})
