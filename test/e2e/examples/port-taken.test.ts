// Every example runner checks its ports before it starts anything: a taken port ends it with exit
// code 1 and a message naming the port and the variable that moves it, and nothing is sent to the
// process that holds the port (before, wrangler dev's readiness probe took its answer for the Worker's).
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../support/ports.ts'

const root = resolve(import.meta.dirname, '..', '..', '..')

/** Another program on a port: answers every request with "other", and counts them. */
async function occupyPort(): Promise<{ port: number; requests: () => number; server: Server }> {
  let requests = 0
  const server = createServer((_req, res) => {
    requests++
    res.end('other')
  })
  const port = await freePort()
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done))
  return { port, requests: () => requests, server }
}

/** Runs a runner with the project's Node until it exits (SIGINT after `timeoutMs`: it would be serving). */
function runToExit(script: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      done({ code, output })
    })
  })
}

const SECRET = { SESSION_SECRET: 'x'.repeat(32) }

describe('example runners refuse a taken port', () => {
  let other: Awaited<ReturnType<typeof occupyPort>> | undefined
  afterEach(async () => {
    await new Promise((done) => other?.server.close(done))
    other = undefined
  })

  it.each([
    ['examples/static-page/serve.ts', 'WORKER_PORT', 'PORT', 'the Worker (wrangler dev)', {}],
    ['examples/static-page/serve.ts', 'PORT', 'WORKER_PORT', 'the page', {}],
    ['examples/react-usechat/serve.ts', 'WORKER_PORT', 'PORT', 'the Worker (wrangler dev)', {}],
    ['examples/react-usechat/serve.ts', 'PORT', 'WORKER_PORT', 'the app', {}],
    ['examples/node-sdk/run.ts', 'WORKER_PORT', 'PORT', 'the Worker (wrangler dev)', { CLAUDE_EDGE_URL: '', CLAUDE_EDGE_KEY: '' }],
    ['examples/session-token/server.ts', 'PORT', 'WORKER_PORT', 'the session-token server', SECRET],
  ] as const)('%s with %s taken: exit 1, the port named, nothing sent to it', async (script, taken, free, role, env) => {
    other = await occupyPort()
    const { code, output } = await runToExit(script, { ...env, [taken]: String(other.port), [free]: String(await freePort()) })
    expect(code, output).toBe(1)
    const port = other.port
    expect(output).toContain(
      [
        `Port ${port} is already in use by another process, so ${role} cannot listen there (${taken}=${port}).`,
        `Nothing was started, and nothing was sent to whatever answers on ${port}.`,
        `Stop the process that listens on ${port}, or set ${taken} to a free port, e.g.:`,
      ].join('\n'),
    )
    expect(output).toMatch(new RegExp(`^  ${taken}=\\d+ node ${script.replaceAll('.', '\\.')}$`, 'm'))
    // The runner stopped before starting anything: no Worker, no page.
    expect(output).not.toContain('Starting the Worker')
    expect(output).not.toMatch(/^Open /m)
    expect(other.requests()).toBe(0)
  })
})
