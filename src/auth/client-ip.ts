import type { Context } from 'hono'

const IP = /^[0-9A-Fa-f:.]{2,45}$/

/**
 * The caller's address from `CF-Connecting-IP` (set by Cloudflare, not by the client), or
 * `unknown` when absent or not an IP address, so every such caller shares one bucket.
 */
export function clientIp(c: Context): string {
  const value = c.req.header('cf-connecting-ip')?.trim()
  return value && IP.test(value) ? value : 'unknown'
}
