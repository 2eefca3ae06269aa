import { Hono } from 'hono'
import { DEMO_HTML } from './assets.ts'
import { DEMO_JS } from './demo-script.ts'
import { widgetScript } from './widget-script.ts'

export interface DemoPageOptions {
  /** The chat stream endpoint the page's widget posts to. Default: `/v1/chat/stream`. */
  endpoint?: string
  /** A session token put on the widget (local development only). Default: none. */
  token?: string
  /** Path the widget bundle is served at. Default: `/claude-chat.js`. */
  scriptPath?: string
}

/** The demo's icon (also inline in the page, as a data: URL), for `GET /favicon.ico` when a JSON route is opened in a tab. */
const FAVICON =
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><rect width='16' height='16' rx='4' fill='#ae5630'/><path d='M8 3.5v9M3.5 8h9M4.8 4.8l6.4 6.4M11.2 4.8l-6.4 6.4' stroke='#fff' stroke-width='1.5' stroke-linecap='round'/></svg>"

/**
 * The local-development demo: `GET /` (a page with `<claude-chat>`), `GET /demo.js` (the page's
 * script: the "simulated" banner and the suggestions, from `GET /healthz`), `GET /favicon.ico` and
 * `GET /claude-chat.js` (the widget bundle built by `scripts/build-client.ts`). Mount it only when
 * `DEMO_PAGE` is on.
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
  demo.get('/demo.js', function demoScript(c) {
    return c.body(DEMO_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' })
  })
  demo.get('/favicon.ico', function favicon(c) {
    return c.body(FAVICON, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' })
  })
  demo.route('/', widgetScript({ path: scriptPath, maxAgeSeconds: 0 }))
  return demo
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
