import type { Context } from 'hono'

/** A structured log line: `level` and `msg`, plus any JSON fields (never a secret or a body unless asked). */
export interface LogLine {
  level: 'info' | 'warn' | 'error'
  msg: string
  [field: string]: unknown
}

/**
 * Where the gateway writes its log: one call per line. The default writes one JSON object per
 * line to the console (Workers Logs and `wrangler tail` index the fields); pass your own to send
 * lines elsewhere or to collect them in tests.
 */
export type Logger = (line: LogLine) => void

/** The default logger: `console.log` / `console.warn` / `console.error`, one JSON object per line. */
export const consoleLogger: Logger = (line) => {
  const text = JSON.stringify(line)
  if (line.level === 'error') console.error(text)
  else if (line.level === 'warn') console.warn(text)
  else console.log(text)
}

/** The request's logger (set by `gateway()`), or the console one outside a gateway. */
export function loggerOf(c: Context): Logger {
  return (c.get('logger') as Logger | undefined) ?? consoleLogger
}
