import * as z from 'zod/mini'
import { defineTool } from '../define-tool.ts'

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/** Demo tool: the current date and time in an IANA time zone. */
export const currentTime = defineTool({
  name: 'current_time',
  description: 'Returns the current date and time in an IANA time zone such as "Europe/Paris" or "America/New_York" (default UTC).',
  input: z.object({
    time_zone: z._default(
      z
        .string()
        .check(z.refine(isTimeZone, 'expected an IANA time zone such as "Europe/Paris" or "UTC"'), z.describe('IANA time zone name')),
      'UTC',
    ),
  }),
  timeoutMs: 1000,
  execute({ time_zone }) {
    const now = new Date()
    const local = new Intl.DateTimeFormat('en-US', {
      timeZone: time_zone,
      dateStyle: 'full',
      timeStyle: 'long',
    }).format(now)
    return { time_zone, iso_utc: now.toISOString(), local }
  },
})
