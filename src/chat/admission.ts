import type { Context } from 'hono'
import type { ChatRequest } from './request.ts'

/**
 * Decides, once the request is parsed, whether it may go upstream (limits, budgets). Throws a
 * GatewayError to refuse. The limits middleware installs the real one; the default admits all.
 */
export type Admission = (c: Context, req: ChatRequest) => Promise<void>

export const admitAll: Admission = async () => {}
