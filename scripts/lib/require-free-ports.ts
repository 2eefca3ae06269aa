// The example runners' port check. A runner must never talk to whatever else already answers on
// its port (wrangler dev's readiness probe would take any answer for the Worker's, and the page or
// the SDK script would then send its requests, and keys, there): so every port is checked before
// anything starts, and a taken one ends the runner with a message that says what to do.
import { createServer } from 'node:net'
import { relative } from 'node:path'

export interface RunnerPort {
  /** The port the runner is about to listen on, on 127.0.0.1. */
  port: number
  /** The environment variable that sets it, named in the message (`WORKER_PORT`, `PORT`). */
  variable: string
  /** What listens there, for the message, e.g. `the Worker (wrangler dev)`. */
  role: string
}

/**
 * Listens on each port for a moment, in order. When one is taken (or is not a usable port), prints
 * which, and how to free or move it, and exits with code 1 before the runner starts anything.
 *
 * @example await requireFreePorts([{ port, variable: 'PORT', role: 'the page' }])
 */
export async function requireFreePorts(ports: RunnerPort[]): Promise<void> {
  for (const { port, variable, role } of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      fail(`${variable}=${process.env[variable] ?? port} is not a port number (1 to 65535): set ${variable} to a free port for ${role}.`)
    }
    const problem = await listenProblem(port)
    if (!problem) continue
    const taken = ports.map((p) => p.port)
    const other = await nextFreePort(port, taken)
    fail(
      [
        problem === 'EADDRINUSE'
          ? `Port ${port} is already in use by another process, so ${role} cannot listen there (${variable}=${port}).`
          : `Port ${port} cannot be used for ${role} (${variable}=${port}): ${problem}.`,
        `Nothing was started, and nothing was sent to whatever answers on ${port}.`,
        `Stop the process that listens on ${port}, or set ${variable} to a free port${other ? `, e.g.:\n  ${variable}=${other} ${command()}` : '.'}`,
      ].join('\n'),
    )
  }
}

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

/** Undefined when 127.0.0.1:`port` could be listened on; else the error code (`EADDRINUSE`, `EACCES`, …). */
function listenProblem(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(undefined)))
  })
}

/** The first free port of the ten after `port`, other than the runner's own. */
async function nextFreePort(port: number, taken: number[]): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(port + 10, 65_535); candidate++) {
    if (!taken.includes(candidate) && !(await listenProblem(candidate))) return candidate
  }
  return undefined
}

/** How to start this runner again: `npm run example:static` when npm started it, else `node examples/…/serve.ts`. */
function command(): string {
  const script = relative(process.cwd(), process.argv[1] ?? '')
  const { npm_lifecycle_event: event, npm_lifecycle_script: line } = process.env
  // Only when npm ran this very script (a runner spawned by `npm test` inherits npm's variables too).
  return event && line?.trim().endsWith(script) ? `npm run ${event}` : `node ${script}`
}
