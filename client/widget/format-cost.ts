/**
 * A cost in US dollars, readable at every size: `$0.0002`, `<$0.0001` (never `$0.0000`), two
 * significant digits under a dollar (`$0.021`, `$0.50`), cents above (`$1.25`).
 */
export function formatCost(usd: number): string {
  if (!(usd > 0)) return '$0'
  if (usd < 0.0001) return '<$0.0001'
  if (usd < 0.001) return `$${usd.toFixed(4)}`
  if (usd < 0.995) return `$${usd.toPrecision(2)}`
  return `$${usd.toFixed(2)}`
}
