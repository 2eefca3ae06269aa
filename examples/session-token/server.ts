// Your site's backend, minting claude-edge session tokens for logged-in users (Node 22+).
//
//   SESSION_SECRET=<the Worker's SESSION_SECRET> node examples/session-token/server.ts
//   curl -s http://127.0.0.1:8790/api/claude-token -H 'cookie: session=demo-user-42'
//
// The browser fetches a token from here, then calls the Worker with `Authorization: Bearer <token>`.
// In your project: `import { mintSessionToken } from 'claude-edge'` (here: its source file, so Node runs it as is).
import { createServer } from 'node:http'
import { requireFreePorts } from '../../scripts/lib/require-free-ports.ts'
import { mintSessionToken } from '../../src/auth/mint-session-token.ts'

const secret = process.env.SESSION_SECRET
if (!secret || secret.length < 32) {
  console.error("Set SESSION_SECRET to the Worker's SESSION_SECRET (at least 32 characters).")
  process.exit(1)
}
const port = Number(process.env.PORT || 8790)
await requireFreePorts([{ port, variable: 'PORT', role: 'the session-token server' }])

/** Stand-in for your own session lookup: the user behind the request's cookie, or undefined. */
function currentUser(cookie: string | undefined): { id: string; plan: 'free' | 'pro' } | undefined {
  const id = /(?:^|;\s*)session=([\w-]{1,64})/.exec(cookie ?? '')?.[1]
  return id ? { id, plan: id.endsWith('-pro') ? 'pro' : 'free' } : undefined
}

createServer(async (req, res) => {
  if (req.method !== 'GET' || req.url !== '/api/claude-token') return void res.writeHead(404).end()
  const user = currentUser(req.headers.cookie)
  if (!user) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"log in first"}')
  const token = await mintSessionToken(
    {
      sub: user.id,
      ttlSeconds: 600,
      plan: user.plan,
      // Free users get less; omit `limits` to use the Worker's defaults.
      limits:
        user.plan === 'free' ? { rateLimit: '10/1m', dailyBudgetUsd: 0.05, models: ['fast'], maxTokens: 1024 } : { dailyBudgetUsd: 2 },
    },
    secret,
  )
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token, expires_in: 600 }))
}).listen(port, '127.0.0.1', () => console.log(`Session tokens on http://127.0.0.1:${port}/api/claude-token`))
