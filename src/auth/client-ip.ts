import type { Context } from 'hono'

/**
 * Where the caller's address comes from. Default: `CF-Connecting-IP`, which Cloudflare sets and a
 * client cannot forge on a Worker. Behind another proxy, pass your own, e.g. the last address your
 * proxy appended to `X-Forwarded-For`: whatever it returns is trusted as the visitor's address.
 */
export type ClientIpSource = (c: Context) => string | undefined

export const cloudflareClientIp: ClientIpSource = (c) => c.req.header('cf-connecting-ip')

/**
 * The identity part of a client address: a strictly valid IPv4 address as is, an IPv6 address as
 * its /64 network (one subscriber usually holds a whole /64, so 2^64 addresses are one visitor),
 * IPv4-mapped IPv6 as IPv4. Undefined when the value is not exactly one valid address.
 */
export function addressIdentity(value: string | undefined): string | undefined {
  const raw = value?.trim()
  if (!raw) return undefined
  if (isIPv4(raw)) return raw
  const groups = ipv6Groups(raw)
  if (!groups) return undefined
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`
}

/** The caller's address for public routes and logs: `unknown` when there is no valid one. */
export function clientIp(c: Context, source: ClientIpSource = cloudflareClientIp): string {
  return addressIdentity(source(c)) ?? 'unknown'
}

function isIPv4(value: string): boolean {
  const parts = value.split('.')
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)
}

/** The eight 16-bit groups of an IPv6 address (`::` and a trailing dotted IPv4 allowed; no zone). */
function ipv6Groups(value: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(value)) return undefined
  const halves = value.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string): number[] | undefined => {
    if (part === '') return []
    const out: number[] = []
    const pieces = part.split(':')
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (!isIPv4(piece)) return undefined
        const [a, b, c, d] = piece.split('.').map(Number) as [number, number, number, number]
        out.push((a << 8) | b, (c << 8) | d)
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) out.push(parseInt(piece, 16))
      else return undefined
    }
    return out
  }
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  if (!head || !tail) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const missing = 8 - head.length - tail.length
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : undefined
}
