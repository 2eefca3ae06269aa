import OpenAI from 'openai'
import type { makeApp } from '../support/app.ts'
import { TEST_CLIENT_KEY } from '../support/credentials.ts'

type App = ReturnType<typeof makeApp>['app']

/**
 * The official `openai` SDK pointed at the gateway with a claude-edge key, as a user configures
 * it: `baseURL` = '<worker>/v1'. No retries of its own unless a test asks for them.
 */
export function openai(app: Pick<App, 'request'>, options: { apiKey?: string; maxRetries?: number } = {}) {
  return new OpenAI({
    apiKey: options.apiKey ?? TEST_CLIENT_KEY,
    baseURL: 'http://gateway.local/v1',
    maxRetries: options.maxRetries ?? 0,
    fetch: (async (url: RequestInfo | URL, init?: RequestInit) => app.request(String(url), init)) as typeof fetch,
  })
}

export const user = (content: string) => [{ role: 'user' as const, content }]

/** A weather tool as OpenAI clients declare one. */
export const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}
