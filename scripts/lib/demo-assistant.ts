// The local demo's assistant and budgets, passed explicitly by `npm start` and the examples'
// runners (never defaults hidden in the gateway): anonymous access needs a public assistant, a
// budget per visitor and a global budget (docs/assistants.md).

/** What anonymous visitors of the local demo pages run as. */
export const DEMO_ASSISTANT = {
  id: 'demo',
  version: '1',
  system:
    'You are the claude-edge demo assistant on a local development page. Be brief and friendly. You can tell the time and calculate with your tools.',
  model: 'fast',
  max_tokens: 1024,
  tools: ['current_time', 'calculator'],
  public: true,
}

/** Small local budgets: a visitor can try things; a runaway loop cannot spend much. */
export const LOCAL_BUDGETS = { DAILY_BUDGET_USD: '0.50', GLOBAL_DAILY_BUDGET_USD: '5' }

/** The Worker variables for anonymous access from `origins` (comma-separated) with these assistants. */
export function anonymousVars(origins: string, assistants: readonly object[] = [DEMO_ASSISTANT]): Record<string, string> {
  return { ALLOW_ANONYMOUS: 'true', ALLOWED_ORIGINS: origins, ASSISTANTS: JSON.stringify(assistants), ...LOCAL_BUDGETS }
}
