import type Anthropic from '@anthropic-ai/sdk'

/** The API version that still accepts sampling parameters; the SDK's default rejects them. */
export const SAMPLING_API_VERSION = '2023-06-01'

/**
 * Messages API parameters, plus the sampling parameters the SDK 1.x types no longer list (the
 * 2026-10-21 API version rejects them; older versions and models still take them).
 */
export type MessageParams = Anthropic.MessageCreateParamsNonStreaming & { temperature?: number; top_p?: number; top_k?: number }

/** Request headers a call needs beyond the SDK's defaults. */
export function headersFor(params: { temperature?: number | null; top_p?: number | null; top_k?: number | null }): Record<string, string> {
  const sampling = params.temperature != null || params.top_p != null || params.top_k != null
  return sampling ? { 'anthropic-version': SAMPLING_API_VERSION } : {}
}
