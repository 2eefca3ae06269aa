import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { addressIdentity } from '../../src/auth/client-ip.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { anonymousEnv } from '../support/assistants.ts'
import { errorOf, post } from './support.ts'

const SITE = 'https://shop.example.com'
const hello = { messages: [{ role: 'user', content: 'hi' }] }

describe('client addresses', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    [' 203.0.113.7 ', '203.0.113.7'],
  ])('%s is the identity %s', (value, identity) => {
    expect(addressIdentity(value)).toBe(identity)
  })

  it.each([
    '',
    'not-an-ip',
    '1.2.3.4, 5.6.7.8',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    '2001:db8::1::2',
    '2001:db8:1:2:3:4:5:6:7',
    ':::',
    '2001:db8::g',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7::8:9',
  ])('%j is not an address', (value) => {
    expect(addressIdentity(value)).toBeUndefined()
  })

  const app = (options: Parameters<typeof createApp>[0] extends infer O ? Partial<O> : never = {}) =>
    createApp({
      config: parseConfig({ UPSTREAM: 'simulator', ...anonymousEnv(SITE), RATE_LIMIT: '1/1m', ANONYMOUS_RATE_LIMIT: '1/1m' }),
      fetch: createSimulator().fetch,
      ...options,
    })

  it('counts the addresses of one IPv6 /64 as one visitor', async () => {
    const a = app()
    expect((await post(a, '/v1/chat', hello, { origin: SITE, 'cf-connecting-ip': '2001:db8:aa:bb::1' })).status).toBe(200)
    for (let i = 2; i < 27; i++) {
      await errorOf(
        await post(a, '/v1/chat', hello, { origin: SITE, 'cf-connecting-ip': `2001:db8:aa:bb:${i.toString(16)}::${i}` }),
        429,
        'rate_limit_error',
      )
    }
    expect((await post(a, '/v1/chat', hello, { origin: SITE, 'cf-connecting-ip': '2001:db8:aa:bc::1' })).status).toBe(200)
  })

  it('a missing or malformed address is not an identity: 401, never a shared bucket', async () => {
    const a = app()
    for (const ip of [undefined, 'not-an-ip', '1.2.3.4, 5.6.7.8']) {
      const res = await post(a, '/v1/chat', hello, { origin: SITE, ...(ip && { 'cf-connecting-ip': ip }) })
      expect(await errorOf(res, 401, 'authentication_error')).toMatch(/needs the client's address/)
    }
  })

  it('takes the address from a pluggable source when not behind Cloudflare', async () => {
    const a = app({ clientIp: (c) => c.req.header('x-real-ip') })
    expect((await post(a, '/v1/chat', hello, { origin: SITE, 'x-real-ip': '198.51.100.20' })).status).toBe(200)
    await errorOf(
      await post(a, '/v1/chat', hello, { origin: SITE, 'x-real-ip': '198.51.100.20', 'cf-connecting-ip': '198.51.100.21' }),
      429,
      'rate_limit_error',
    )
  })
})
