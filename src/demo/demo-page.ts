import { Hono } from 'hono'
import { DEMO_HTML } from './assets.ts'
import { widgetScript } from './widget-script.ts'

export interface DemoPageOptions {
  /** The chat stream endpoint the page's widget posts to. Default: `/v1/chat/stream`. */
  endpoint?: string
  /** A session token put on the widget (local development only). Default: none. */
  token?: string
  /** Path the widget bundle is served at. Default: `/claude-chat.js`. */
  scriptPath?: string
}

/**
 * The local-development demo: `GET /` (a page with `<claude-chat>`) and `GET /claude-chat.js`
 * (the widget bundle built by `scripts/build-client.ts`). Mount it only when `DEMO_PAGE` is on.
 *
 * @example
 * if (config.demoPage) app.route('/', demoPage())
 */
export function demoPage(options: DemoPageOptions = {}): Hono {
  const { endpoint = '/v1/chat/stream', token, scriptPath = '/claude-chat.js' } = options
  const html = DEMO_HTML.replaceAll('{{endpoint}}', escapeHtml(endpoint))
    .replaceAll('{{script}}', escapeHtml(scriptPath))
    .replaceAll('{{token}}', token ? ` token="${escapeHtml(token)}"` : '')
  const connect = /^https?:\/\//.test(endpoint) ? ` ${new URL(endpoint).origin}` : ''
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    // The widget's styles live in its shadow root as a <style> element.
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self'${connect}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

  const demo = new Hono()
  demo.get('/', function demoHtml(c) {
    return c.body(html, 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    })
  })
  demo.route('/', widgetScript({ path: scriptPath, maxAgeSeconds: 0 }))
  return demo
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
