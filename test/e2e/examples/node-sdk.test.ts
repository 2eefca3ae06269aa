import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort } from '../../support/ports.ts'

const root = resolve(import.meta.dirname, '..', '..', '..')

/** Runs a script with the project's Node; resolves with its exit code and output, killed after `timeoutMs`. */
function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs) // run.ts stops its Worker on SIGINT
    child.once('exit', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

describe('examples/node-sdk (npm run example:node)', () => {
  it('starts the Worker with a fresh key, then messages.create and messages.stream answer through /v1/messages', async () => {
    const port = await freePort()
    const question = 'Say hello [sim text="Hello through claude-edge, word by word."]'
    const { code, stdout, stderr } = await runNode(
      ['examples/node-sdk/run.ts', question],
      { WORKER_PORT: String(port), CLAUDE_EDGE_URL: '', CLAUDE_EDGE_KEY: '' },
      110_000,
    )
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0)
    const lines = stdout.trim().split('\n')
    // The simulator answers `text="…"` one word per token: six tokens, six text deltas.
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^\[create\] claude-haiku-5-5 \(end_turn, [1-9]\d* in \/ 6 out\):$/),
      'Hello through claude-edge, word by word.',
      '[stream] ',
      'Hello through claude-edge, word by word.',
      '[stream] claude-haiku-5-5 (end_turn, 6 tokens in 6 text deltas)',
    ])
    expect(lines[0]).toBe(`Starting the Worker (wrangler dev) on http://127.0.0.1:${port} …`)
  }, 120_000)

  it('index.ts refuses to run without a claude-edge key, saying how to get one', async () => {
    const { code, stderr } = await runNode(['examples/node-sdk/index.ts'], { CLAUDE_EDGE_KEY: '' }, 20_000)
    expect(code).toBe(1)
    expect(stderr).toContain('npm run keys:new')
  })
})
