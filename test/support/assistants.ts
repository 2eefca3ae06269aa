import { anonymousVars } from '../../scripts/lib/demo-assistant.ts'

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
 * Anonymous access as it must be configured (SPEC §13): a public assistant, a budget per visitor
 * and a global budget, for pages on `origins`.
 */
export function anonymousEnv(origins: string, assistants: readonly object[] = [SITE_ASSISTANT]): Record<string, string> {
  return anonymousVars(origins, assistants)
}
