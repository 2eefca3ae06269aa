import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { CLAUDE_CHAT_CHUNKS, CLAUDE_CHAT_JS, CLAUDE_CHAT_JS_ETAG } from '../../src/demo/assets.ts'
import { demoPage, widgetScript } from '../../src/demo/index.ts'
import { parseConfig } from '../../src/config.ts'
import { createWorkerApp } from '../../src/worker-app.ts'
import { testEnv } from '../support/app.ts'

describe('demoPage', () => {
  it('serves the page with the widget, the endpoint and a strict CSP', async () => {
    const app = new Hono().route('/', demoPage())
    const res = await app.request('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self';")
    const html = await res.text()
    expect(html).toContain('<script type="module" src="/claude-chat.js"></script>')
    expect(html).toContain('<claude-chat endpoint="/v1/chat/stream" show-usage')
    expect(html).not.toMatch(/\{\{\w+\}\}/)
  })

  it('serves the widget bundle as JavaScript', async () => {
    const res = await new Hono().route('/', demoPage()).request('/claude-chat.js')
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const js = await res.text()
    expect(js).toBe(CLAUDE_CHAT_JS)
    expect(js).toContain('customElements.define("claude-chat"')
  })

  it('escapes options into the page and allows a cross-origin endpoint in the CSP', async () => {
    const app = new Hono().route('/', demoPage({ endpoint: 'https://chat.example.com/v1/chat/stream', token: 'a"><script>x</script>' }))
    const res = await app.request('/')
    const html = await res.text()
    expect(html).toContain('endpoint="https://chat.example.com/v1/chat/stream"')
    expect(html).toContain('token="a&#34;&#62;&#60;script&#62;x&#60;/script&#62;"')
    expect(html).not.toContain('<script>x</script>')
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' https://chat.example.com")
  })
})

describe('the Worker mounts the demo only with DEMO_PAGE (the library never bundles it)', () => {
  it('serves / and /claude-chat.js with DEMO_PAGE=true, and 404 JSON without it', async () => {
    const on = createWorkerApp(parseConfig(testEnv({ DEMO_PAGE: 'true' })))
    expect((await on.request('/')).headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect((await on.request('/claude-chat.js')).status).toBe(200)
    const off = createWorkerApp(parseConfig(testEnv()))
    for (const path of ['/', '/claude-chat.js']) {
      const res = await off.request(path)
      expect(res.status).toBe(404)
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('not_found_error')
    }
  })
})

describe('widgetScript', () => {
  it('serves the bundle cross-origin with caching and answers a matching ETag with 304', async () => {
    const app = new Hono().route('/', widgetScript())
    const res = await app.request('/claude-chat.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600')
    const etag = res.headers.get('etag')!
    expect(etag).toBe(CLAUDE_CHAT_JS_ETAG)
    expect(await res.text()).toBe(CLAUDE_CHAT_JS)
    const again = await app.request('/claude-chat.js', { headers: { 'if-none-match': `W/${etag}` } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    const other = await app.request('/claude-chat.js', { headers: { 'if-none-match': '"stale"' } })
    expect(other.status).toBe(200)
  })

  it('takes a path and max age', async () => {
    const res = await new Hono().route('/', widgetScript({ path: '/w.js', maxAgeSeconds: 0 })).request('/w.js')
    expect([res.status, res.headers.get('cache-control')]).toEqual([200, 'no-cache'])
  })

  it('serves the lazily loaded code highlighter next to the bundle, cached for good (its name is its hash)', async () => {
    const [name, code] = Object.entries(CLAUDE_CHAT_CHUNKS)[0]!
    expect(name).toMatch(/^claude-chat-highlight-[0-9a-f]{10}\.js$/)
    expect(CLAUDE_CHAT_JS).toContain(`import("./${name}")`)
    const app = new Hono().route('/', widgetScript({ path: '/static/w.js' }))
    const res = await app.request(`/static/${name}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await res.text()).toBe(code)
    const again = await app.request(`/static/${name}`, { headers: { 'if-none-match': res.headers.get('etag')! } })
    expect(again.status).toBe(304)
  })
})
