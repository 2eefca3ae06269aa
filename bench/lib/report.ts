// Renders bench results as Markdown: the two tables and the targets of issue 10 (measured, not asserted).
import type { ContenderName } from './contenders.ts'
import { fmt, ratio } from './stats.ts'

export interface Row {
  name: ContenderName
  /** CPU µs per JSON request, net of the simulator (in-process). */
  cpuJsonUs: number
  /** CPU µs per streamed delta, net of the simulator (in-process). */
  cpuDeltaUs: number
  rps: number
  p50: number
  p99: number
  jsonErrors: number
  /** ms to the first text delta, median of the rounds' p50. */
  ttfb: number
  gapP50: number
  gapP99: number
  streamErrors: number
  held: number
  heldNote: string
  /** The commonest failures of the first failing step. */
  heldReasons: string[]
  rssMb: number | undefined
  bundleKb: number | undefined
}

export interface Results {
  settings: {
    profile: string
    rounds: number
    cores: number
    load: number
    node: string
    seconds: number
    inProcess: { jsonRequests: number; streams: number; tokens: number; concurrency: number }
    jsonDirectives: string
    jsonSeconds: number
    connections: number
    streamDirectives: string
    streams: number
    holdDirectives: string
    steps: number[]
  }
  rows: Row[]
}

const FREE_PLAN_CPU_MS = 10

export function renderResults({ settings: s, rows }: Results): string {
  const hw = rows.find((r) => r.name === 'hand-written')!
  const edge = rows.find((r) => r.name === 'claude-edge (memory)')!
  const edgeRedis = rows.find((r) => r.name === 'claude-edge (upstash)')!
  const isDirect = (r: Row) => r.name === 'direct'
  const lines: string[] = []
  lines.push('# Benchmark results', '')
  lines.push(
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${s.cores} cores (load average ${s.load.toFixed(1)} at the end), Node ${s.node}, ` +
      `profile **${s.profile}** (${s.rounds} rounds, medians), run took ${Math.round(s.seconds)} s. How to read this: bench/README.md.`,
    '',
  )

  lines.push('## In-process CPU (Node, `app.fetch`, in-process simulator; simulator cost subtracted)', '')
  lines.push(
    `${s.inProcess.jsonRequests} JSON requests and ${s.inProcess.streams} streams × ${s.inProcess.tokens} deltas per contender and round, ${s.inProcess.concurrency} in flight.`,
    '',
  )
  lines.push(
    '| contender | CPU ms / JSON request | × hand-written | % of free plan 10 ms | CPU µs / streamed delta | × hand-written | CPU ms, 1,000-delta stream |',
  )
  lines.push('|---|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) {
    if (isDirect(r)) continue
    lines.push(
      `| ${r.name} | ${fmt(r.cpuJsonUs / 1000, 3)} | ${ratio(r.cpuJsonUs, hw.cpuJsonUs)} | ${fmt((r.cpuJsonUs / 1000 / FREE_PLAN_CPU_MS) * 100, 1)} % | ` +
        `${fmt(r.cpuDeltaUs, 1)} | ${ratio(r.cpuDeltaUs, hw.cpuDeltaUs)} | ${fmt((r.cpuJsonUs + 1000 * r.cpuDeltaUs) / 1000, 1)} |`,
    )
  }
  const direct = rows.find(isDirect)
  if (direct)
    lines.push(
      '',
      `The simulator itself (subtracted above): ${fmt(direct.cpuJsonUs / 1000, 3)} ms per JSON request, ${fmt(direct.cpuDeltaUs, 1)} µs per delta.`,
    )
  lines.push('')

  lines.push('## Side by side under `wrangler dev` (workerd), same standalone simulator', '')
  lines.push(
    `JSON: autocannon, ${s.connections} connections × ${s.jsonSeconds} s, upstream \`${s.jsonDirectives}\`. ` +
      `Streams: ${s.streams} per round, ${s.connections} at a time, upstream \`${s.streamDirectives}\`. ` +
      `Concurrent streams: steps ${s.steps.join(', ')}, upstream \`${s.holdDirectives}\`.`,
    '',
  )
  lines.push(
    '| contender | req/s | × hand-written | p50 ms | p99 ms | TTFB ms (first token) | × hand-written | delta gap p50 / p99 ms | streams held | peak RSS MB | bundle KB gzip | × hand-written |',
  )
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) {
    const errors = r.jsonErrors || r.streamErrors ? ` (errors: ${r.jsonErrors} JSON, ${r.streamErrors} streams)` : ''
    lines.push(
      `| ${r.name}${errors} | ${fmt(r.rps, 0)} | ${ratio(r.rps, hw.rps)} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.ttfb, 1)} | ${ratio(r.ttfb, hw.ttfb)} | ` +
        `${fmt(r.gapP50, 1)} / ${fmt(r.gapP99, 1)} | ${r.held}${r.heldNote ? ` (${r.heldNote})` : ''} | ${fmt(r.rssMb, 0)} | ${fmt(r.bundleKb, 1)} | ${ratio(r.bundleKb, hw.bundleKb)} |`,
    )
  }
  lines.push('', '`direct` is the load generator calling the simulator itself: the floor. Its row has no runtime, so no RSS or bundle.', '')
  for (const r of rows) {
    if (r.heldReasons.length)
      lines.push(
        `- ${r.name}, failed streams at the first failing step: ${r.heldReasons.map((x) => `\`${x.replace(/`/g, "'")}\``).join('; ')}`,
      )
  }
  if (rows.some((r) => r.heldReasons.length)) lines.push('')

  const mark = (ok: boolean) => (ok ? 'met' : '**missed**')
  const targets: [string, string, boolean][] = [
    [
      'CPU per JSON request within 1.5× of hand-written',
      `${ratio(edge.cpuJsonUs, hw.cpuJsonUs)} (upstash: ${ratio(edgeRedis.cpuJsonUs, hw.cpuJsonUs)})`,
      edge.cpuJsonUs <= 1.5 * hw.cpuJsonUs,
    ],
    [
      'CPU per JSON request under 2 ms',
      `${fmt(edge.cpuJsonUs / 1000, 3)} ms (upstash: ${fmt(edgeRedis.cpuJsonUs / 1000, 3)} ms)`,
      edge.cpuJsonUs < 2000,
    ],
    [
      'CPU per streamed delta under 20 µs',
      `${fmt(edge.cpuDeltaUs, 1)} µs (upstash: ${fmt(edgeRedis.cpuDeltaUs, 1)} µs)`,
      edge.cpuDeltaUs < 20,
    ],
    ['req/s under workerd within 10 % of hand-written (in-memory limits)', ratio(edge.rps, hw.rps), edge.rps >= 0.9 * hw.rps],
    ['streaming TTFB no worse than hand-written', `${fmt(edge.ttfb, 1)} ms vs ${fmt(hw.ttfb, 1)} ms`, edge.ttfb <= hw.ttfb],
    ['≥ 1,000 concurrent streams without error', `${edge.held} (upstash: ${edgeRedis.held})`, edge.held >= 1000],
    ['bundle ≤ 150 KB gzip', `${fmt(edge.bundleKb, 1)} KB`, (edge.bundleKb ?? Infinity) <= 150],
  ]
  lines.push('## Targets (claude-edge with in-memory limits; measured, never asserted)', '')
  lines.push('| target | measured | |', '|---|---|---|')
  for (const [what, measured, ok] of targets) lines.push(`| ${what} | ${measured} | ${mark(ok)} |`)
  lines.push('')
  return lines.join('\n')
}
