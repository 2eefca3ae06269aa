import { defineTool, ToolError } from 'claude-edge'
import * as z from 'zod/mini'

/** The Worker's bindings this example reads (see wrangler.toml). */
export interface ShopEnv {
  SHOP_NAME?: string
}

// A stand-in for your database, KV namespace or internal API.
const ORDERS: Record<string, { status: 'processing' | 'shipped' | 'delivered'; eta?: string }> = {
  'A-1001': { status: 'shipped', eta: '2026-11-27' },
  'A-1002': { status: 'processing' },
  'A-1003': { status: 'delivered' },
}

/** A tool of your own: Claude calls it with validated input; you return JSON. */
export const orderStatus = defineTool({
  name: 'order_status',
  description: 'Looks up the status of a customer order by its id (format A-1234). Use it whenever the user asks where an order is.',
  input: z.object({
    order_id: z.string().check(z.regex(/^A-\d{4}$/, 'expected an order id like "A-1001"'), z.describe('The order id, e.g. A-1001')),
  }),
  timeoutMs: 2000,
  async execute({ order_id }, { env, signal, requestId }) {
    // `signal` aborts when the client leaves or the timeout passes: pass it to fetch() calls.
    signal.throwIfAborted()
    const order = ORDERS[order_id]
    // A ToolError's message reaches the model, which can then ask the user for the right id.
    if (!order) throw new ToolError(`no order ${order_id} at ${env.SHOP_NAME ?? 'this shop'}; ask the user to check the id`)
    return { order_id, ...order, shop: env.SHOP_NAME ?? 'Example Shop', checked_by_request: requestId }
  },
})
