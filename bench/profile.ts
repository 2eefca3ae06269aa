// `npm run bench:profile`: where claude-edge's CPU goes. Runs the in-process workload of
// claude-edge (memory) and of hand-written, each under `node --cpu-prof`, then sums self time by
// area (our src/ folders, packages, Node internals) and by function, per request, side by side.
// Writes bench/results/profile.md.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const AREA_OF_SIM = 'src/simulator (upstream, not ours at runtime)'

const WORKLOAD = { jsonRequests: 3000, streams: 100, tokens: 100, concurrency: 8 }
const ROUNDS = 3
const REQUESTS = ROUNDS * (WORKLOAD.jsonRequests + WORKLOAD.streams)

if (process.env.BENCH_PROFILE_CHILD) {
  const { inProcessContenders, inProcessRound } = await import('./lib/in-process.ts')
  const silent = () => {}
  console.log = console.info = console.warn = console.error = silent
  const name = process.env.BENCH_PROFILE_CHILD as 'claude-edge (memory)' | 'hand-written'
  const c = inProcessContenders({ url: 'http://127.0.0.1:9', token: 'unused' })
  const o = { ...WORKLOAD, upstash: { url: '', token: '' } }
  for (let i = 0; i < ROUNDS; i++) await inProcessRound(c, o, [name])
} else {
  const areas: Map<string, number>[] = []
  let functions = ''
  for (const name of ['claude-edge (memory)', 'hand-written']) {
    const dir = mkdtempSync(join(tmpdir(), 'claude-edge-prof-'))
    try {
      const self = fileURLToPath(import.meta.url)
      const run = spawnSync(
        process.execPath,
        ['--experimental-transform-types', '--no-warnings', '--cpu-prof', '--cpu-prof-dir', dir, self],
        {
          stdio: 'inherit',
          env: { ...process.env, BENCH_PROFILE_CHILD: name },
          timeout: 300_000,
        },
      )
      if (run.status !== 0) throw new Error(`profiled run failed (${run.status ?? run.signal})`)
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!
      const summary = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')))
      areas.push(summary.area)
      if (name.startsWith('claude-edge')) functions = summary.functions
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const [edge, hw] = areas as [Map<string, number>, Map<string, number>]
  const perReq = (us: number | undefined) => ((us ?? 0) / REQUESTS).toFixed(1)
  const names = [...new Set([...edge.keys(), ...hw.keys()])].sort(
    (a, b) => (edge.get(b) ?? 0) - (hw.get(b) ?? 0) - ((edge.get(a) ?? 0) - (hw.get(a) ?? 0)),
  )
  const markdown = [
    '# Where claude-edge (memory) spends CPU',
    '',
    `\`npm run bench:profile\`: the in-process workload (${ROUNDS} × ${WORKLOAD.jsonRequests} JSON requests and ${WORKLOAD.streams} streams of ${WORKLOAD.tokens} deltas, ` +
      'in-process simulator, process start-up included) under `node --cpu-prof`, for claude-edge (memory) and for hand-written. ' +
      'Self time per request in µs (idle excluded), sorted by what claude-edge spends more than hand-written.',
    '',
    '| area | claude-edge µs/request | hand-written µs/request | difference |',
    '|---|---:|---:|---:|',
    ...names
      .slice(0, 18)
      .map((a) => `| ${a} | ${perReq(edge.get(a))} | ${perReq(hw.get(a))} | ${perReq((edge.get(a) ?? 0) - (hw.get(a) ?? 0))} |`),
    '',
    '## claude-edge (memory): top functions by self time',
    '',
    functions,
    '',
  ].join('\n')
  writeFileSync(resolve(import.meta.dirname, 'results', 'profile.md'), markdown)
  console.log(markdown)
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples: number[]
  timeDeltas: number[]
}

function areaOf(url: string): string {
  if (!url) return '(program, GC, idle)'
  if (url.startsWith('node:')) return 'Node internals (fetch/streams/undici, timers)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return `package ${pkg[1]}`
  const src = /\/src\/([^/]+)\//.exec(url)
  if (src) return src[1] === 'simulator' ? AREA_OF_SIM : `src/${src[1]}`
  const top = /\/src\/([^/]+)\.ts/.exec(url)
  if (top) return `src/${top[1]}.ts`
  if (/\/bench\//.test(url)) return 'bench (load loop)'
  return url.replace(/^file:\/\/.*?\/(?=[^/]+\/[^/]+$)/, '')
}

function summarize(p: Profile): { area: Map<string, number>; functions: string } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const area = new Map<string, number>()
  const fn = new Map<string, number>()
  let total = 0
  for (const [i, id] of p.samples.entries()) {
    const node = byId.get(id)!
    const us = p.timeDeltas[i] ?? 0
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)') continue
    total += us
    const a = areaOf(url)
    area.set(a, (area.get(a) ?? 0) + us)
    const short = url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\/.*\//, '')
    const key = `${functionName || '(anonymous)'} — ${short || functionName}${url ? `:${lineNumber + 1}` : ''}`
    fn.set(key, (fn.get(key) ?? 0) + us)
  }
  const table = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `| ${k} | ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} % |`)
  return { area, functions: ['| function | self ms | share |', '|---|---:|---:|', ...table(fn, 25)].join('\n') }
}
