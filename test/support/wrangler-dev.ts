// e2e suites: run the Worker under `wrangler dev` on a free port and wait until it answers.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '../../scripts/lib/free-port.ts'
import { TEST_CLIENT_KEYS } from './credentials.ts'

const root = resolve(import.meta.dirname, '..', '..')

export type WranglerDevOptions = {
  /**
   * Variables passed as `--var NAME:value` (override wrangler.toml [vars] and .dev.vars). Default:
   * only `CLIENT_KEYS` with the test client key (send `TEST_CLIENT_KEY`); a value given here wins.
   */
  vars?: Record<string, string>
  /** Port to listen on. Default: a free port. */
  port?: number
  /** Wrangler config file, relative to the repo root. Default: `wrangler.toml`. */
  config?: string
  /** More `wrangler dev` arguments. Default: none. */
  args?: string[]
  /** How long to wait for the first answer. Default: 90 000 ms (wrangler dev is slow here). */
  readyTimeoutMs?: number
}

export type WranglerDev = {
  /** e.g. `http://127.0.0.1:41234` */
  url: string
  port: number
  /** Everything wrangler printed so far (for failure messages). */
  output(): string
  /** Stops wrangler and its workerd (the whole process group). */
  close(): Promise<void>
}

export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const { vars = {}, config = 'wrangler.toml', args = [], readyTimeoutMs = 90_000 } = options
  const port = options.port ?? (await freePort())
  const inspectorPort = await freePort()
  const persist = mkdtempSync(join(tmpdir(), 'claude-edge-wrangler-'))
  const varArgs = Object.entries({ CLIENT_KEYS: TEST_CLIENT_KEYS, ...vars }).flatMap(([name, value]) => ['--var', `${name}:${value}`])
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'dev',
      '--config',
      config,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persist,
      '--show-interactive-dev-session=false',
      ...varArgs,
      ...args,
    ],
    {
      cwd: root,
      detached: true, // own process group, so close() also stops workerd
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  process.once('exit', killGroup)

  const url = `http://127.0.0.1:${port}`
  let closed: Promise<void> | undefined
  const dev: WranglerDev = {
    url,
    port,
    output: () => output,
    close() {
      closed ??= new Promise<void>((done) => {
        process.off('exit', killGroup)
        if (child.exitCode !== null || child.signalCode !== null) return done()
        const force = setTimeout(killGroup, 5000)
        child.once('exit', () => {
          clearTimeout(force)
          done()
        })
        try {
          process.kill(-child.pid!, 'SIGTERM')
        } catch {
          done()
        }
      }).finally(() => rmSync(persist, { recursive: true, force: true }))
      return closed
    },
  }

  const deadline = Date.now() + readyTimeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await dev.close()
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`)
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) })
      return dev
    } catch {
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  await dev.close()
  throw new Error(`wrangler dev did not answer on ${url} within ${readyTimeoutMs} ms:\n${output}`)
}
