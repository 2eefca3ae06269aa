import { anonymousVars } from '../../../scripts/lib/demo-assistant.ts'
import { freePort } from '../../../scripts/lib/free-port.ts'
import { createSimulator, type Simulator } from '../../../src/simulator/index.ts'
import { startWranglerDev } from '../../support/wrangler-dev.ts'
import { serveFetch } from './serve-fetch.ts'

export interface DemoWorker {
  /** The Worker under `wrangler dev`, e.g. `http://127.0.0.1:41234`; its demo page is at `/`. */
  url: string
  /** The upstream: what reached "Anthropic" is in `simulator.requests`. */
  simulator: Simulator
  /** Stops wrangler dev, then the simulator. */
  close(): Promise<void>
}

/**
 * The deployable Worker serving its demo page (`DEMO_PAGE`) under `wrangler dev`, on a free port,
 * as the demo assistant for anonymous visitors from its own origin, with heartbeats every second.
 * Upstream is the Anthropic simulator served from this process (ANTHROPIC_BASE_URL). `vars` adds
 * to these variables or overrides them (rate limits, say).
 */
export async function startDemoWorker(vars: Record<string, string> = {}): Promise<DemoWorker> {
  const simulator = createSimulator()
  const upstream = await serveFetch((request) => simulator.fetch(request))
  try {
    const port = await freePort()
    const wrangler = await startWranglerDev({
      port,
      vars: {
        UPSTREAM: 'anthropic',
        ANTHROPIC_BASE_URL: upstream.url,
        ANTHROPIC_API_KEY: 'sk-ant-e2e-simulator',
        DEMO_PAGE: 'true',
        ...anonymousVars(`http://127.0.0.1:${port}`),
        HEARTBEAT_MS: '1000',
        ...vars,
      },
    })
    return {
      url: wrangler.url,
      simulator,
      async close() {
        await wrangler.close()
        await upstream.close()
      },
    }
  } catch (error) {
    await upstream.close()
    throw error
  }
}
