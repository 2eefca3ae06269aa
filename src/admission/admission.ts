import type { Context } from 'hono'
import type { MessageParams } from '../upstream/params.ts'

/** One upstream model call as it will be sent: the whole Messages request and its betas. */
export interface UpstreamCall {
  params: MessageParams
  /** `anthropic-beta` values sent with it (only `/v1/messages` forwards the caller's). */
  betas: readonly string[]
}

/** What a route asks admission for, once the request is parsed. */
export interface AdmissionRequest {
  /** The first model call, whole: budgets reserve an upper bound of what it can be billed. */
  call: UpstreamCall
  /** Estimated input tokens, taken from the token limit (TOKEN_LIMIT) and corrected after. */
  estimatedTokens: number
}

/** Why a later model call was not admitted (the tool loop ends with it as its stop reason). */
export interface ExtendRefusal {
  reason: 'budget_exhausted'
  /** Says what did not fit, for the reply's warnings and the stream's metadata. */
  message: string
}

/** A request that was admitted: it may ask again before each later model call. */
export interface Reservation {
  /**
   * Before model call 2, 3, … of the same request (the tool loop): reserves that call's upper
   * bound with the context as it has grown, on top of what the earlier calls cost. Resolves to a
   * refusal when it does not fit the remaining budget.
   */
  extend(call: UpstreamCall, spentUsd: number): Promise<ExtendRefusal | undefined>
}

/**
 * Decides whether a request may go upstream (limits, budgets), given the whole first call. Throws
 * a GatewayError to refuse. The limits middleware installs the real one; the default admits all.
 */
export type Admission = (c: Context, request: AdmissionRequest) => Promise<Reservation>

const unlimited: Reservation = { extend: async () => undefined }

export const admitAll: Admission = async () => unlimited
