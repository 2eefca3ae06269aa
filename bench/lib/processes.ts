// Child processes of the bench: the standalone simulator and the local Upstash bridge (own Redis).
// Each runs in its own process group and is stopped with it, also when the bench fails.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import { freePort } from '../../scripts/lib/free-port.ts'

const root = resolve(import.meta.dirname, '..', '..')

export interface Child {
  url: string
  pid: number
  close(): Promise<void>
}

/** Spawns `node <script> …args` and waits for a stdout line matching `ready`; returns its match[1]. */
function start(
  script: string,
  args: string[],
  ready: RegExp,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; match: string }> {
  const child = spawn(process.execPath, [resolve(root, script), ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
  process.once('exit', kill)
  child.once('exit', () => process.off('exit', kill))
  return new Promise((done, fail) => {
    let output = ''
    const timer = setTimeout(() => {
      kill()
      fail(new Error(`${script} did not start within 30 s:\n${output}`))
    }, 30_000)
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString()
      const m = ready.exec(output)
      if (m) {
        clearTimeout(timer)
        done({ child, match: m[1]! })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`${script} exited with ${code}:\n${output}`))
    })
  })
}

function closer(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done()
      const force = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          /* gone */
        }
      }, 5000)
      child.once('exit', () => {
        clearTimeout(force)
        done()
      })
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        done()
      }
    })
}

/** The simulator as a standalone HTTP server on 127.0.0.1. */
export async function spawnSimulator(): Promise<Child> {
  const { child, match } = await start('bench/simulator-server.ts', [], /^(http:\/\/127\.0\.0\.1:\d+)$/m)
  return { url: match, pid: child.pid!, close: closer(child) }
}

/** The Upstash bridge with its own throwaway redis-server. */
export async function spawnBridge(): Promise<Child & { token: string }> {
  const token = randomUUID()
  const port = await freePort()
  const { child, match } = await start(
    'scripts/upstash-bridge.ts',
    ['--port', String(port), '--token', token],
    /^UPSTASH_REDIS_REST_URL=(\S+)$/m,
  )
  return { url: match, token, pid: child.pid!, close: closer(child) }
}
