import { BaseAnthropic } from '@anthropic-ai/sdk/client'
import { Messages } from '@anthropic-ai/sdk/resources/messages/messages'
import { Models } from '@anthropic-ai/sdk/resources/models'
import type { Config } from '../config.ts'

/**
 * The SDK's base client with only the Messages and Models resources: the full `Anthropic` class pulls every
 * API resource into the Worker bundle (about 60 KB gzip more).
 */
export class UpstreamClient extends BaseAnthropic {
  messages: Messages = new Messages(this)
  models: Models = new Models(this)
}

export interface UpstreamClientOptions {
  /** `fetch` used for every upstream request. Default: the global fetch. */
  fetch?: typeof fetch
}

/**
 * The SDK client for the configured upstream. The SDK's own retries are off: retries, fallbacks
 * and the deadline live in one place, our upstream call (no retries stacked on retries).
 */
export function createUpstreamClient(config: Config, options: UpstreamClientOptions = {}): UpstreamClient {
  const simulated = config.upstream === 'simulator'
  return new UpstreamClient({
    apiKey: simulated ? 'sk-ant-simulator' : config.anthropicApiKey!,
    baseURL: simulated ? 'http://simulator.local' : (config.anthropicBaseUrl ?? 'https://api.anthropic.com'),
    maxRetries: 0,
    timeout: config.upstreamDeadlineMs,
    ...(options.fetch && { fetch: options.fetch }),
  })
}
