import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator, type Simulator } from '../../src/simulator/index.ts'
import { z } from 'zod'
import { defineTool, type Tool } from '../../src/tools/define-tool.ts'
import type { UpstreamOptions } from '../../src/upstream/upstream.ts'
import { testEnv, withTestKey } from '../support/app.ts'

/** A gateway with the given server tools, wired to a fresh in-process simulator (`upstream`: its clock, sleep, retries). */
export function makeToolApp(
  tools: Tool[],
  env: Record<string, string> = {},
  simulator: Simulator = createSimulator(),
  upstream?: UpstreamOptions,
) {
  const config = parseConfig(testEnv(env))
  const app = withTestKey(createApp({ config, fetch: simulator.fetch, tools, ...(upstream && { upstream }) }))
  return { app, config, simulator }
}

/** A promise with its resolve function, to control when a tool returns. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/** The `messages` the simulator received in its n-th request (0-based; negative from the end). */
export function sentMessages(simulator: Simulator, n: number): any[] {
  return (simulator.requests.at(n)!.body as { messages: any[] }).messages
}

/** A tool that runs until the request's signal aborts; `started` and `aborted` say when. */
export function waitingTool() {
  const started = deferred()
  const aborted = deferred<unknown>()
  const tool = defineTool({
    name: 'waiting',
    description: 'waits',
    input: z.object({}),
    execute: (_input, { signal }) => {
      started.resolve()
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          aborted.resolve(signal.reason)
          reject(signal.reason)
        }),
      )
    },
  })
  return { tool, started, aborted }
}
