// Runs an example's one-command script (`node examples/<name>/serve.ts`) as `npm run example:*`
// would, on free ports, and waits for its "Open <url>/" line.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { freePort } from '../../support/ports.ts'

const root = resolve(import.meta.dirname, '..', '..', '..')

export interface ExampleProcess {
  /** The page's URL, from the script's "Open …" line. */
  url: string
  workerPort: number
  output(): string
  /** Ctrl-C: the script stops its Worker and its page server, then exits. */
  stop(): Promise<void>
}

export async function startExample(script: string, readyTimeoutMs = 110_000): Promise<ExampleProcess> {
  const [workerPort, port] = [await freePort(), await freePort()]
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, WORKER_PORT: String(workerPort), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} printed no "Open" line within ${readyTimeoutMs} ms:\n${output}`)),
      readyTimeoutMs,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /^Open (http:\/\/\S+)\/ /m.exec(output)
      if (match) {
        clearTimeout(timer)
        resolveUrl(match[1]!)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${script} exited early (${child.exitCode}):\n${output}`))
    })
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  return { url, workerPort, output: () => output, stop }
}
