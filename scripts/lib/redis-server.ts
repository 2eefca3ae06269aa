import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

export type RedisServer = {
  /** `redis://127.0.0.1:<port>` */
  url: string
  port: number
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and removes its temp dir. */
  close(): Promise<void>
}

export type StartRedisOptions = {
  /** Path of the redis-server binary. Default: `redis-server` from PATH. */
  binary?: string
  /** Port to listen on. Default: a free port. */
  port?: number
}

const READY = /Ready to accept connections/

/**
 * Spawns a throwaway `redis-server` on 127.0.0.1 with persistence off, in a temp dir.
 * The process is killed when this Node process exits, even on an uncaught error.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const { binary = 'redis-server' } = options
  let lastError: unknown
  // A free port can be taken between the probe and redis binding it: retry a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort())
    try {
      return await spawnRedis(binary, port)
    } catch (error) {
      lastError = error
      if (options.port !== undefined || !String(error).includes('Address already in use')) break
    }
  }
  throw lastError
}

async function spawnRedis(binary: string, port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'claude-edge-redis-'))
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--protected-mode',
    'no',
    '--loglevel',
    'notice',
  ]
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const cleanup = () => {
    process.off('exit', killOnExit)
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    await waitUntilReady(child, binary)
  } catch (error) {
    child.kill('SIGKILL')
    cleanup()
    throw error
  }

  let closing: Promise<void> | undefined
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        const force = setTimeout(() => child.kill('SIGKILL'), 2000)
        child.once('exit', () => {
          clearTimeout(force)
          resolve()
        })
        child.kill('SIGTERM')
      }).finally(cleanup)
      return closing
    },
  }
}

function waitUntilReady(child: ChildProcess, binary: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error(`redis-server not ready after 10 s:\n${output}`)), 10_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (READY.test(output)) done()
    }
    const onError = (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? new Error(`${binary} not found: install it with \`apt-get install -y redis-server\` (or run \`node scripts/ensure-deps.ts\`)`)
          : error,
      )
    const onExit = (code: number | null) => fail(new Error(`redis-server exited with ${code}:\n${output}`))
    function detach() {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('error', onError)
      child.off('exit', onExit)
      // Keep draining the pipes so redis never blocks on a full buffer.
      child.stdout?.resume()
      child.stderr?.resume()
    }
    function done() {
      detach()
      resolve()
    }
    function fail(error: Error) {
      detach()
      reject(error)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('error', onError)
    child.once('exit', onExit)
  })
}
