/**
 * Does `value` carry `marker` (a `Symbol.for` key set to true)? How our error classes and tools
 * are recognised across bundles and realms, where `instanceof` fails.
 */
export function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true
}
