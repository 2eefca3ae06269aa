import { anonymousVars } from '../../scripts/lib/demo-assistant.ts'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { demoTools } from '../../src/tools/demo/index.ts'
import { KEY_A, KEY_B, clientKeys } from '../auth/support.ts'
import { TEST_SESSION_SECRET } from './credentials.ts'

/** The public assistant of the test site: what anonymous visitors of a page run as. */
export const SITE_ASSISTANT = {
  id: 'site',
  version: '3',
  system: 'You are the test shop’s assistant. Answer briefly.',
  model: 'fast',
  max_tokens: 1024,
  public: true,
}

/** A backend's assistant (not public): keys and session tokens are bound to it in the tests. */
export const SUPPORT_ASSISTANT = {
  id: 'support',
  system: 'You are Acme support.',
  model: 'balanced',
  max_tokens: 2048,
  tools: ['calculator'],
  client_tools: [{ name: 'open_ticket', description: 'Opens a ticket', input_schema: { type: 'object', properties: {} } }],
}

/**
 * Anonymous access as it must be configured (docs/assistants.md): a public assistant, a budget per visitor
 * and a global budget, for pages on `origins`.
 */
export function anonymousEnv(origins: string, assistants: readonly object[] = [SITE_ASSISTANT]): Record<string, string> {
  return anonymousVars(origins, assistants)
}

/**
 * A shop whose anonymous visitors on `site` run as `publicOnes`, with a backend key bound to
 * SUPPORT_ASSISTANT (KEY_A), an unbound server key (KEY_B) and session tokens (TEST_SESSION_SECRET).
 */
export async function shopApp(site: string, env: Record<string, string> = {}, publicOnes: readonly object[] = [SITE_ASSISTANT]) {
  const simulator = createSimulator()
  const config = parseConfig({
    UPSTREAM: 'simulator',
    SESSION_SECRET: TEST_SESSION_SECRET,
    CLIENT_KEYS: await clientKeys([
      { key: KEY_A, id: 'bound', assistants: ['support'] },
      { key: KEY_B, id: 'server' },
    ]),
    ...anonymousEnv(site, [...publicOnes, SUPPORT_ASSISTANT]),
    ...env,
  })
  return { app: createApp({ config, fetch: simulator.fetch, tools: demoTools }), simulator }
}
