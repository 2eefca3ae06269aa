/**
 * What the bridge does to a request before running it, to simulate a slow or broken Upstash:
 * - `none`: answer normally
 * - `error`: HTTP 500 with an Upstash-style `{ error }` body
 * - `reset`: destroy the connection without answering (the client's fetch throws)
 * - `hang`: never answer (until the client gives up or the bridge closes)
 */
export type FaultMode = 'none' | 'error' | 'reset' | 'hang'

export type Faults = {
  /** Delay before the command runs, in ms. */
  latencyMs: number
  mode: FaultMode
  /**
   * Name of a private script registry: EVALSHA of a rewritten script's original SHA answers
   * NOSCRIPT until the script was EVAL'd through the same name, whatever other clients did.
   * Lets a test see the NOSCRIPT → EVAL fallback deterministically. Default: the shared one.
   */
  scripts?: string
}

export const NO_FAULTS: Faults = { latencyMs: 0, mode: 'none' }

const MODES = new Set<string>(['none', 'error', 'reset', 'hang'])
export const FAULT_PREFIX = '/__fault/'

/**
 * Parses the spec of a fault-scoped base URL, `/__fault/<spec>`, where spec is a comma list of
 * `latency=<ms>`, `scripts=<name>` and at most one mode, e.g. `latency=300` or `latency=50,error`.
 * Returns undefined for a malformed spec.
 */
export function parseFaultSpec(spec: string): Faults | undefined {
  const faults: Faults = { ...NO_FAULTS }
  for (const part of decodeURIComponent(spec).split(',').filter(Boolean)) {
    const latency = /^latency=(\d{1,7})$/.exec(part)
    const scripts = /^scripts=([\w-]{1,64})$/.exec(part)
    if (latency) faults.latencyMs = Number(latency[1])
    else if (scripts) faults.scripts = scripts[1]!
    else if (MODES.has(part)) faults.mode = part as FaultMode
    else return undefined
  }
  return faults
}

/** Builds the fault spec path segment for a base URL (inverse of parseFaultSpec). */
export function faultSpec(faults: Partial<Faults>): string {
  const parts: string[] = []
  if (faults.latencyMs) parts.push(`latency=${Math.round(faults.latencyMs)}`)
  if (faults.mode && faults.mode !== 'none') parts.push(faults.mode)
  if (faults.scripts) parts.push(`scripts=${faults.scripts}`)
  return parts.join(',') || 'none'
}

export function isFaultMode(value: unknown): value is FaultMode {
  return typeof value === 'string' && MODES.has(value)
}
