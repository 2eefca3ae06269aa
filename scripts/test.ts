// `npm test`: everything the tests need, then every suite.
//
//   npm test                          workerd suite (vitest.config.ts), then e2e (vitest.e2e.config.ts)
//   npm test -- test/limits           only the workerd suite, with these vitest arguments
//   npm test -- test/e2e/widget.test.ts   only the e2e suite, with these vitest arguments
//
// Makes sure redis-server is installed (installs it as root), starts it with the Upstash bridge
// on free ports, passes UPSTASH_REDIS_REST_URL/TOKEN to the suites, and always stops both.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { MissingPackageError, ensureAptPackage } from './lib/apt.ts'
import { startBridge, type Bridge } from './lib/bridge-server.ts'
import { startRedis, type RedisServer } from './lib/redis-server.ts'

const root = resolve(import.meta.dirname, '..')
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
const E2E_DIR = join(root, 'test', 'e2e')

let redis: RedisServer | undefined
let bridge: Bridge | undefined
let child: ChildProcess | undefined
let stopping = false

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    child?.kill('SIGTERM')
    await bridge?.close().catch(() => {})
    await redis?.close().catch(() => {})
  }
  process.exit(code)
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\n[test] ${signal}: stopping`)
    void stop(130)
  })
}

function hasE2eSuites(dir = E2E_DIR): boolean {
  if (!existsSync(dir)) return false
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((file) => file.endsWith('.test.ts'))
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolveRun) => {
    // process.execPath: the project's Node 22 (npm puts node_modules/.bin first on PATH).
    child = spawn(process.execPath, [vitest, ...args], { cwd: root, env, stdio: 'inherit' })
    child.once('exit', (code, signal) => {
      child = undefined
      resolveRun(code ?? (signal ? 1 : 0))
    })
    child.once('error', (error) => {
      console.error(`[test] could not start vitest: ${error.message}`)
      resolveRun(1)
    })
  })
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const positional = args.filter((arg) => !arg.startsWith('-'))
  const wantsE2e = positional.some((arg) => arg.replaceAll('\\', '/').replace(/^\.\//, '').startsWith('test/e2e'))
  const runUnit = args.length === 0 || !wantsE2e
  const runE2e = (args.length === 0 && hasE2eSuites()) || wantsE2e

  try {
    ensureAptPackage('redis-server')
  } catch (error) {
    if (!(error instanceof MissingPackageError)) throw error
    console.error(`[test] ${error.message}`)
    return stop(1)
  }

  redis = await startRedis()
  bridge = await startBridge({ redisUrl: redis.url, token: randomUUID() })
  console.log(`[test] redis-server ${redis.url}, Upstash bridge ${bridge.url}`)

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    // Children that spawn `node` or `wrangler` get the same Node 22 and local binaries.
    PATH: [join(root, 'node_modules', '.bin'), dirname(process.execPath), process.env.PATH].join(delimiter),
  }

  const failures: string[] = []
  if (runUnit) {
    console.log('[test] workerd suite: vitest run')
    if ((await run(['run', ...args], env)) !== 0) failures.push('workerd suite')
  }
  if (runE2e && !stopping) {
    console.log('[test] e2e suite: vitest run --config vitest.e2e.config.ts')
    if ((await run(['run', '--config', 'vitest.e2e.config.ts', ...args], env)) !== 0) failures.push('e2e suite')
  } else if (runUnit && args.length === 0) {
    console.log('[test] no e2e suites under test/e2e/')
  }

  console.log(failures.length ? `[test] FAILED: ${failures.join(', ')}` : '[test] all suites passed')
  return stop(failures.length ? 1 : 0)
}

main().catch((error: unknown) => {
  console.error('[test]', error)
  void stop(1)
})
