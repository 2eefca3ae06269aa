// `npm start`: the Worker under `wrangler dev` on http://127.0.0.1:8787 with the demo page, the
// simulator unless .dev.vars has an ANTHROPIC_API_KEY (UPSTREAM=auto), and anonymous access for
// its own page only, as the local demo assistant with small budgets (scripts/lib/demo-assistant.ts).
// Extra arguments go to wrangler, e.g. `npm start -- --port 8788`.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { anonymousVars } from './lib/demo-assistant.ts'

const root = resolve(import.meta.dirname, '..')
const vars = {
  UPSTREAM: 'auto',
  DEMO_PAGE: 'true',
  ...anonymousVars('http://localhost:8787,http://127.0.0.1:8787'),
}
const args = [
  'dev',
  '--port',
  '8787',
  '--ip',
  '127.0.0.1',
  ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ...process.argv.slice(2),
]
const child = spawn(resolve(root, 'node_modules', '.bin', 'wrangler'), args, { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 0)))
