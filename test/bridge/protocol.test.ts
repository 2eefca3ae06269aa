// The bridge's wire format, checked byte for byte against what @upstash/redis 1.39 expects
// (HttpClient.request / decode in node_modules/@upstash/redis).
import { describe, expect, it } from 'vitest'
import { faultyUrl, uniquePrefix, upstashEnv } from '../support/upstash.ts'

const b64 = (text: string) => btoa(text)

async function call(path: string, body: unknown, init: { base64?: boolean; token?: string; url?: string; signal?: AbortSignal } = {}) {
  const { url, token } = upstashEnv()
  const headers: Record<string, string> = {
    authorization: `Bearer ${init.token ?? token}`,
    'content-type': 'application/json',
  }
  if (init.base64 ?? true) headers['upstash-encoding'] = 'base64'
  const res = await fetch(`${init.url ?? url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: init.signal ?? null })
  return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as unknown }
}

describe('auth', () => {
  it('answers 401 JSON to a wrong token', async () => {
    const res = await call('/', ['ping'], { token: 'wrong' })
    expect(res).toEqual({ status: 401, type: 'application/json', json: { error: 'Unauthorized' } })
  })

  it('answers 401 to a missing token', async () => {
    const res = await fetch(upstashEnv().url, { method: 'POST', body: '["ping"]' })
    expect(res.status).toBe(401)
  })
})

describe('base64 encoding', () => {
  it('encodes every string except exactly OK, keeps integers and null', async () => {
    const p = uniquePrefix()
    expect((await call('/', ['set', `${p}s`, 'héllo'])).json).toEqual({ result: 'OK' })
    expect((await call('/', ['get', `${p}s`])).json).toEqual({ result: btoa(String.fromCharCode(...new TextEncoder().encode('héllo'))) })
    expect((await call('/', ['incrby', `${p}n`, 5])).json).toEqual({ result: 5 })
    expect((await call('/', ['get', `${p}missing`])).json).toEqual({ result: null })
    expect((await call('/', ['ping'])).json).toEqual({ result: b64('PONG') })
  })

  it('recurses into nested arrays', async () => {
    const script = 'return {1, "a", {2, "b", false}}'
    expect((await call('/', ['eval', script, 0])).json).toEqual({ result: [1, b64('a'), [2, b64('b'), null]] })
  })

  it('sends plain strings without the header', async () => {
    const p = uniquePrefix()
    await call('/', ['rpush', `${p}l`, 'x', 'y'])
    expect((await call('/', ['lrange', `${p}l`, 0, -1], { base64: false })).json).toEqual({ result: ['x', 'y'] })
  })
})

describe('arguments', () => {
  it('turns numbers and booleans into Redis strings', async () => {
    const p = uniquePrefix()
    await call('/', ['mset', `${p}a`, 1.5, `${p}b`, true, `${p}c`, -7])
    expect((await call('/', ['mget', `${p}a`, `${p}b`, `${p}c`], { base64: false })).json).toEqual({ result: ['1.5', 'true', '-7'] })
  })

  it('rejects objects and malformed bodies with 400 JSON', async () => {
    expect(await call('/', ['set', 'k', { a: 1 }])).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^ERR /) } })
    expect(await call('/', {})).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^ERR /) } })
    const { url, token } = upstashEnv()
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '[oops' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'ERR failed to parse command' })
  })

  it('refuses connection-state commands', async () => {
    expect(await call('/', ['subscribe', 'x'])).toMatchObject({ status: 400, json: { error: expect.stringContaining('not available') } })
  })
})

describe('errors', () => {
  it('answers a Redis error to a single command with 400 {error}', async () => {
    const p = uniquePrefix()
    await call('/', ['set', `${p}s`, 'text'])
    expect(await call('/', ['incr', `${p}s`])).toEqual({
      status: 400,
      type: 'application/json',
      json: { error: 'ERR value is not an integer or out of range' },
    })
  })
})

describe('pipeline and multi-exec', () => {
  it('returns one {result}|{error} per command in a pipeline', async () => {
    const p = uniquePrefix()
    const res = await call('/pipeline', [
      ['set', `${p}a`, 'v'],
      ['incr', `${p}a`],
      ['get', `${p}a`],
      ['incr', `${p}n`],
    ])
    expect(res.status).toBe(200)
    expect(res.json).toEqual([
      { result: 'OK' },
      { error: 'ERR value is not an integer or out of range' },
      { result: b64('v') },
      { result: 1 },
    ])
  })

  it('runs multi-exec atomically with per-command results', async () => {
    const p = uniquePrefix()
    const res = await call('/multi-exec', [
      ['incr', `${p}n`],
      ['incr', `${p}n`],
      ['get', `${p}n`],
    ])
    expect(res).toMatchObject({ status: 200, json: [{ result: 1 }, { result: 2 }, { result: b64('2') }] })
  })

  it('rejects a transaction with an invalid command as a whole (EXECABORT)', async () => {
    const p = uniquePrefix()
    const res = await call('/multi-exec', [
      ['set', `${p}a`, '1'],
      ['set', `${p}b`],
    ])
    expect(res).toMatchObject({ status: 400, json: { error: expect.stringContaining('EXECABORT') } })
    expect((await call('/', ['exists', `${p}a`])).json).toEqual({ result: 0 })
  })
})

describe('path-style commands', () => {
  it('runs GET /<command>/<args…> like Upstash curl examples', async () => {
    const { url, token } = upstashEnv()
    const key = encodeURIComponent(`${uniquePrefix()}k`)
    await fetch(`${url}/set/${key}/hello%20world`, { headers: { authorization: `Bearer ${token}` } })
    const res = await fetch(`${url}/get/${key}?_token=${token}`)
    expect(await res.json()).toEqual({ result: 'hello world' })
  })
})

describe('fault injection through a scoped base URL', () => {
  it('delays requests by the given latency before running them', async () => {
    const start = Date.now()
    const res = await call('/', ['ping'], { url: faultyUrl({ latencyMs: 250 }) })
    expect(res.json).toEqual({ result: b64('PONG') })
    expect(Date.now() - start).toBeGreaterThanOrEqual(250)
  })

  it('answers HTTP 500 {error} in error mode, also for pipelines', async () => {
    const url = faultyUrl({ mode: 'error' })
    expect(await call('/', ['ping'], { url })).toMatchObject({ status: 500, json: { error: expect.any(String) } })
    expect(await call('/pipeline', [['ping']], { url })).toMatchObject({ status: 500 })
  })

  it('drops the connection in reset mode', async () => {
    await expect(call('/', ['ping'], { url: faultyUrl({ mode: 'reset' }) })).rejects.toThrow()
  })

  it('never answers in hang mode (the client must time out)', async () => {
    const signal = AbortSignal.timeout(300)
    await expect(call('/', ['ping'], { url: faultyUrl({ mode: 'hang' }), signal })).rejects.toThrow()
    expect(signal.aborted).toBe(true)
  })

  it('leaves the plain URL unaffected', async () => {
    expect((await call('/', ['ping'])).json).toEqual({ result: b64('PONG') })
  })
})
