import { Hono } from 'hono'
import { CLAUDE_CHAT_CHUNKS, CLAUDE_CHAT_JS, CLAUDE_CHAT_JS_ETAG } from './assets.ts'

export interface WidgetScriptOptions {
  /** Path the bundle is served at. Default: `/claude-chat.js`. */
  path?: string
  /** `Cache-Control: public, max-age=…` in seconds; 0 sends `no-cache` (revalidate with the ETag). Default: 3600. */
  maxAgeSeconds?: number
}

/**
 * Serves the `<claude-chat>` bundle (built by `scripts/build-client.ts`) so any page can embed the
 * widget with one tag pointing at the Worker, and next to it the file the widget loads lazily
 * (`claude-chat-highlight-<hash>.js`, the code highlighter; named by its content, so cached for good). It is public, static code: `Access-Control-Allow-Origin: *`
 * lets `<script type="module">` load it cross-origin (no credentials are involved), and an ETag
 * makes revalidation a 304.
 *
 * @example
 * app.route('/', widgetScript())
 * // on any page: <script type="module" src="https://chat.example.com/claude-chat.js"></script>
 */
export function widgetScript(options: WidgetScriptOptions = {}): Hono {
  const { path = '/claude-chat.js', maxAgeSeconds = 3600 } = options
  const headers = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': maxAgeSeconds > 0 ? `public, max-age=${maxAgeSeconds}` : 'no-cache',
    etag: CLAUDE_CHAT_JS_ETAG,
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    'x-content-type-options': 'nosniff',
  }
  const app = new Hono()
  app.get(path, function claudeChatScript(c) {
    const match = c.req.header('if-none-match')
    if (match?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === CLAUDE_CHAT_JS_ETAG)) {
      return c.body(null, 304, headers)
    }
    return c.body(CLAUDE_CHAT_JS, 200, headers)
  })
  for (const [name, code] of Object.entries(CLAUDE_CHAT_CHUNKS)) {
    const chunkHeaders = { ...headers, etag: `"${name}"`, 'cache-control': 'public, max-age=31536000, immutable' }
    app.get(path.replace(/[^/]*$/, name), function claudeChatChunk(c) {
      if (c.req.header('if-none-match')?.includes(chunkHeaders.etag)) return c.body(null, 304, chunkHeaders)
      return c.body(code, 200, chunkHeaders)
    })
  }
  return app
}
