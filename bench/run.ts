// `npm run bench`: claude-edge against what users would write instead, side by side in one run.
// Everything on 127.0.0.1, bounded in time and request count; writes bench/results/latest.md.
// Quick profile by default (≈ 5–8 min on 2 cores); BENCH_PROFILE=full (or --full) for more rounds.
// How to read the table: bench/README.md.
import { cpus, loadavg } from 'node:os'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CONTENDERS, type ContenderName } from './lib/contenders.ts'
import { ensureAptPackage } from '../scripts/lib/apt.ts'
import { bundleGzipKb } from './lib/bundle.ts'
import { inProcessContenders, inProcessRound, inProcessWarmUp, type CpuFigures } from './lib/in-process.ts'
import { concurrentStreams, jsonLoad, streamLoad, type JsonFigures, type StreamFigures } from './lib/load.ts'
import { spawnBridge, spawnSimulator } from './lib/processes.ts'
import { configOf, peakRssMb, startRuntimeContender, type RuntimeContender } from './lib/runtime.ts'
import { renderResults, type Results } from './lib/report.ts'
import { median } from './lib/stats.ts'

const full = process.env.BENCH_PROFILE === 'full' || process.argv.includes('--full')
const env = (name: string, fallback: string) => process.env[name] || fallback
const settings = {
  profile: full ? 'full' : 'quick',
  rounds: Number(env('BENCH_ROUNDS', full ? '5' : '3')),
  inProcess: { jsonRequests: full ? 2000 : 500, streams: full ? 80 : 20, tokens: 100, concurrency: 8 },
  jsonDirectives: env('BENCH_JSON_DIRECTIVES', '[sim tokens=20]'),
  jsonSeconds: full ? 6 : 3,
  connections: Number(env('BENCH_CONNECTIONS', '10')),
  streamDirectives: env('BENCH_STREAM_DIRECTIVES', '[sim tokens=30 delay=20]'),
  streams: full ? 40 : 20,
  holdDirectives: env('BENCH_HOLD_DIRECTIVES', '[sim tokens=10 delay=200]'),
  steps: [100, 1000, 3000, 10000].filter((n) => n <= Number(env('BENCH_MAX_STREAMS', '1000'))),
  /** A held stream fails after this long without a byte; a step is cut after `stepMs`. */
  hold: { idleMs: 20_000, stepMs: 90_000 },
}

const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`)
const started = Date.now()
log(
  `${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, profile ${settings.profile}`,
)

ensureAptPackage('redis-server') // installs it as root, else throws with the command to run
const bridge = await spawnBridge()
const simulator = await spawnSimulator()
const runtime: RuntimeContender[] = []
try {
  // 1. Bundle sizes (claude-edge's two set-ups share one bundle).
  log('bundles: wrangler deploy --dry-run --minify')
  const bundle: Partial<Record<ContenderName, number>> = {}
  for (const name of ['hand-written', 'ai-sdk', 'claude-edge (memory)'] as const) bundle[name] = await bundleGzipKb(configOf(name))
  bundle['claude-edge (upstash)'] = bundle['claude-edge (memory)']

  // 2. In-process CPU (the apps' request logs are silenced: a pipe write is not what workerd pays).
  log('in-process CPU')
  const cpu = await quietly(async () => {
    const contenders = inProcessContenders({ url: bridge.url, token: bridge.token })
    const o = { ...settings.inProcess, upstash: { url: bridge.url, token: bridge.token } }
    await inProcessWarmUp(contenders, o)
    const rounds: Record<ContenderName, CpuFigures>[] = []
    for (let r = 0; r < settings.rounds; r++) rounds.push(await inProcessRound(contenders, o))
    return rounds
  })

  // 3. Side by side under wrangler dev (started together, measured one at a time, rounds interleaved).
  log('wrangler dev × 4')
  const starting = (['hand-written', 'ai-sdk', 'claude-edge (memory)', 'claude-edge (upstash)'] as const).map((name) =>
    startRuntimeContender(name, simulator.url, { url: bridge.url, token: bridge.token }),
  )
  for (const result of await Promise.allSettled(starting)) if (result.status === 'fulfilled') runtime.push(result.value)
  for (const result of await Promise.allSettled(starting)) if (result.status === 'rejected') throw result.reason
  const urlOf = (name: ContenderName) => (name === 'direct' ? simulator.url : runtime.find((r) => r.name === name)!.url)
  for (const name of CONTENDERS) {
    // warm-up
    await jsonLoad(name, urlOf(name), settings.jsonDirectives, settings.connections, 1)
    await streamLoad(name, urlOf(name), settings.streamDirectives, settings.connections, settings.connections)
  }
  const json: Record<string, JsonFigures[]> = {}
  const streams: Record<string, StreamFigures[]> = {}
  for (let r = 0; r < settings.rounds; r++) {
    log(`runtime round ${r + 1}/${settings.rounds}`)
    for (const name of CONTENDERS) {
      ;(json[name] ??= []).push(await jsonLoad(name, urlOf(name), settings.jsonDirectives, settings.connections, settings.jsonSeconds))
      ;(streams[name] ??= []).push(await streamLoad(name, urlOf(name), settings.streamDirectives, settings.connections, settings.streams))
    }
  }
  const held: Record<string, { held: number; note: string; reasons: string[] }> = {}
  for (const name of CONTENDERS) {
    log(`concurrent streams: ${name} (steps ${settings.steps.join(', ')})`)
    held[name] = await concurrentStreams(name, urlOf(name), settings.holdDirectives, settings.steps, settings.hold)
    for (const reason of held[name]!.reasons) log(`  ${name}: ${reason}`)
  }

  const results: Results = {
    settings: { ...settings, cores: cpus().length, load: loadavg()[0]!, node: process.version, seconds: (Date.now() - started) / 1000 },
    rows: CONTENDERS.map((name) => {
      const pick = <T>(list: T[] | undefined, f: (x: T) => number) => median((list ?? []).map(f))
      return {
        name,
        // Net of the simulator, except for `direct`, which is the simulator's own cost.
        cpuJsonUs: median(cpu.map((r) => r[name].jsonUs - (name === 'direct' ? 0 : r.direct.jsonUs))),
        cpuDeltaUs: median(cpu.map((r) => r[name].deltaUs - (name === 'direct' ? 0 : r.direct.deltaUs))),
        rps: pick(json[name], (x) => x.rps),
        p50: pick(json[name], (x) => x.p50),
        p99: pick(json[name], (x) => x.p99),
        jsonErrors: (json[name] ?? []).reduce((s, x) => s + x.errors, 0),
        ttfb: pick(streams[name], (x) => x.ttfbP50),
        gapP50: pick(streams[name], (x) => x.gapP50),
        gapP99: pick(streams[name], (x) => x.gapP99),
        streamErrors: (streams[name] ?? []).reduce((s, x) => s + x.failed, 0),
        held: held[name]!.held,
        heldNote: held[name]!.note,
        heldReasons: held[name]!.reasons,
        rssMb: peakRssMb(runtime.find((r) => r.name === name)?.workerdPid),
        bundleKb: bundle[name],
      }
    }),
  }
  const markdown = renderResults(results)
  writeFileSync(resolve(import.meta.dirname, 'results', 'latest.md'), markdown)
  console.log(markdown)
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; written to bench/results/latest.md`)
} finally {
  await Promise.all(runtime.map((r) => r.close()))
  await simulator.close()
  await bridge.close()
}

/** Runs `f` with console.log/info/warn/error silenced (the apps log a line per request). */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error }
  console.log = console.info = console.warn = console.error = () => {}
  try {
    return await f()
  } finally {
    Object.assign(console, saved)
  }
}
