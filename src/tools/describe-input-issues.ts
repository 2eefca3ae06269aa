import type * as z from 'zod/mini'

const MAX_ISSUES = 10
const MAX_VALUE_CHARS = 80

/**
 * A message the model can act on: one line per failing path, with what was expected and what came.
 * e.g. `city: expected string, got 42` · `unit: expected one of "c"|"f", got "k"`.
 */
export function describeInputIssues(toolName: string, error: z.core.$ZodError, input: unknown): string {
  const lines = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(input)'
    return `- ${path}: ${expected(issue)}, got ${got(issue, input)}`
  })
  const more = error.issues.length > MAX_ISSUES ? `\n- … and ${error.issues.length - MAX_ISSUES} more` : ''
  return `Invalid input for tool "${toolName}":\n${lines.join('\n')}${more}\nCall the tool again with input that matches its schema.`
}

function expected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`
    case 'unrecognized_keys':
      return `expected no other fields than the schema's (unknown: ${issue.keys.map((k) => JSON.stringify(k)).join(', ')})`
    default:
      // Zod's own wording, without its "Invalid input:" style prefix: "expected one of "c"|"f"", "expected number to be >=3".
      return issue.message.replace(/^(Invalid [a-z ]+|Too (small|big)):\s*/, '') || issue.message
  }
}

function got(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') return 'those fields'
  let value: unknown = input
  for (const key of issue.path) {
    if (value === null || typeof value !== 'object') {
      value = undefined
      break
    }
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  if (value === undefined) return 'nothing (missing)'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text
}
