import Anthropic from '@anthropic-ai/sdk'
import type { Config } from '../config.ts'

export interface UpstreamClientOptions {
  /** `fetch` used for every upstream request. Default: the global fetch. */
  fetch?: typeof fetch
}

/**
 * The SDK client for the configured upstream. The SDK's own retries are off: retries, fallbacks
 * and the deadline live in one place, our upstream call (no retries stacked on retries).
 */
export function createUpstreamClient(config: Config, options: UpstreamClientOptions = {}): Anthropic {
  const simulated = config.upstream === 'simulator'
  return new Anthropic({
    apiKey: simulated ? 'sk-ant-simulator' : config.anthropicApiKey!,
    baseURL: simulated ? 'http://simulator.local' : (config.anthropicBaseUrl ?? 'https://api.anthropic.com'),
    maxRetries: 0,
    timeout: config.upstreamDeadlineMs,
    ...(options.fetch && { fetch: options.fetch }),
  })
}
