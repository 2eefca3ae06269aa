// `npm run example:node [-- "question"]`: starts the Worker locally with a fresh client key in
// CLIENT_KEYS, runs index.ts against it with that key, then stops the Worker.
// With CLAUDE_EDGE_URL and CLAUDE_EDGE_KEY set, runs index.ts against that Worker instead.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { startLocalWorker } from '../shared/local-worker.ts'

const script = join(import.meta.dirname, 'index.ts')

function runScript(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...process.argv.slice(2)], { env: { ...process.env, ...env }, stdio: 'inherit' })
    child.once('exit', (code) => resolve(code ?? 1))
  })
}

if (process.env.CLAUDE_EDGE_URL && process.env.CLAUDE_EDGE_KEY) {
  process.exit(await runScript({}))
}

// The same shape `npm run keys:new` prints: the Worker stores only the key's SHA-256.
const key = `ce_sk_${randomBytes(32).toString('base64url')}`
const sha256 = createHash('sha256').update(key).digest('hex')
const worker = await startLocalWorker({ vars: { CLIENT_KEYS: JSON.stringify([{ id: 'node-sdk-example', sha256 }]) } })
let code = 1
try {
  code = await runScript({ CLAUDE_EDGE_URL: worker.url, CLAUDE_EDGE_KEY: key })
} finally {
  await worker.close()
}
process.exit(code)
