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

/**
 * Anonymous access as it must be configured (SPEC §13): a public assistant, a budget per visitor
 * and a global budget, for pages on `origins`.
 */
export function anonymousEnv(origins: string, assistants: readonly object[] = [SITE_ASSISTANT]): Record<string, string> {
  return anonymousVars(origins, assistants)
}
