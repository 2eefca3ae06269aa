// The <claude-chat> widget on a long reply, in Chromium (issue 19): main-thread long tasks while a
// Markdown reply of ~7,000 tokens streams in, before and after a change, side by side.
//   node bench/widget-long-reply.ts [--tokens 7000] [--shapes mixed,paragraph,code] [--compare <git rev>] [--runs 1] [--compare-runs N] [--cpu-throttle 1,4] [--write]
// The page is client/demo.html with the built widget (scripts/build-client.ts) and a scripted
// stream (test/e2e/browser/scripted-server.ts, its `long-reply` scripts: 4 tokens every 8 ms, headings, paragraphs, lists,
// code, tables; `paragraph` and `code` shapes: the whole reply one open block, the worst case for
// incremental rendering). `--compare REV` also runs the widget bundle committed at REV (its
// src/demo/assets.ts). Long tasks come from a PerformanceObserver('longtask') in the page, from the
// moment the message is sent until the reply is complete and 1 s after (lazy highlighting included).
// `--cpu-throttle 1,4` also runs the working tree's widget with Chromium's CPU slowed 4× (DevTools
// CPU throttling, roughly a mid-range phone); the compared bundle runs unthrottled only.
// `--write` writes the table to bench/results/widget.md. Debian's chromium + playwright-core only.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildClient, gzipSize } from '../scripts/build-client.ts'
import { ensureAptPackage } from '../scripts/lib/apt.ts'
import { launchChromium } from '../test/e2e/browser/browser.ts'
import { longReplyTokens, type ReplyShape, startScriptedServer } from '../test/e2e/browser/scripted-server.ts'

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '7000' },
    shapes: { type: 'string', default: 'mixed' },
    compare: { type: 'string' },
    runs: { type: 'string', default: '1' },
    'compare-runs': { type: 'string' },
    'cpu-throttle': { type: 'string', default: '1' },
    write: { type: 'boolean', default: false },
  },
})
const tokens = Number(values.tokens)
const runs = Number(values.runs)
/** Runs of the `--compare` bundle (default: `--runs`): the old one can take minutes a run. */
const compareRuns = Number(values['compare-runs'] ?? runs)
const shapes = values.shapes.split(',') as ReplyShape[]
const throttles = values['cpu-throttle'].split(',').map(Number)
const root = join(import.meta.dirname, '..')

interface Bundle {
  label: string
  runs: number
  widget: string
  chunks: Record<string, string>
}

interface Run {
  longTotalMs: number
  longMaxMs: number
  longCount: number
  wallMs: number
  chars: number
}

/** The widget as committed at `rev` (src/demo/assets.ts holds the bundle as a string). */
function bundleAt(rev: string): Bundle {
  const assets = execFileSync('git', ['show', `${rev}:src/demo/assets.ts`], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  const constant = (name: string) => {
    const line = assets.split('\n').find((l) => l.startsWith(`export const ${name}`))
    return line === undefined ? undefined : JSON.parse(line.slice(line.indexOf('=') + 1).trim())
  }
  return {
    runs: compareRuns,
    label: `${rev} (${execFileSync('git', ['rev-parse', '--short', rev], { cwd: root, encoding: 'utf8' }).trim()})`,
    widget: constant('CLAUDE_CHAT_JS'),
    chunks: constant('CLAUDE_CHAT_CHUNKS') ?? {},
  }
}

async function measure(bundle: Bundle, shape: ReplyShape, throttle: number): Promise<Run> {
  const server = await startScriptedServer({ scripts: 'long-reply', widgetJs: bundle.widget, chunks: bundle.chunks, page: 'demo' })
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
    await page.addInitScript(() => {
      const w = window as unknown as { __long: { start: number; duration: number }[] }
      w.__long = []
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__long.push({ start: entry.startTime, duration: entry.duration })
      }).observe({ type: 'longtask', buffered: true })
    })
    if (throttle > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle })
    await page.goto(server.url)
    const input = page.locator('claude-chat textarea')
    await input.waitFor()
    await page.waitForTimeout(500) // let the page settle: its own start-up is not the reply's cost
    const t0 = await page.evaluate(() => performance.now())
    await input.fill(`long ${tokens} ${shape}`)
    await input.press('Enter')
    await page.waitForFunction(
      () => {
        const replies = document.querySelector('claude-chat')?.shadowRoot?.querySelectorAll('.msg.assistant')
        return replies?.length && replies[replies.length - 1]!.getAttribute('aria-busy') === 'false'
      },
      undefined,
      { timeout: 15 * 60_000, polling: 100 },
    )
    const t1 = await page.evaluate(() => performance.now())
    await page.waitForTimeout(1000)
    const long = (await page.evaluate(() => (window as unknown as { __long: { start: number; duration: number }[] }).__long)).filter(
      (task) => task.start >= t0,
    )
    const chars = await page.evaluate(() => {
      const replies = document.querySelector('claude-chat')!.shadowRoot!.querySelectorAll('.msg.assistant .part.text')
      return replies[replies.length - 1]?.textContent?.length ?? 0
    })
    return {
      longTotalMs: long.reduce((sum, task) => sum + task.duration, 0),
      longMaxMs: Math.max(0, ...long.map((task) => task.duration)),
      longCount: long.length,
      wallMs: t1 - t0,
      chars,
    }
  } finally {
    await browser.close()
    await server.close()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const current = await buildClient()
const bundles: Bundle[] = [
  ...(values.compare ? [bundleAt(values.compare)] : []),
  { runs, label: 'working tree', widget: current.widget, chunks: current.chunks },
]
const source = longReplyTokens(tokens).join('')
console.log(`reply: ${tokens.toLocaleString()} tokens (${source.length.toLocaleString()} characters when mixed); ${runs} run(s) per bundle`)

const rows: string[] = []
const runLines: string[] = []
for (const throttle of throttles)
  for (const shape of shapes)
    for (const bundle of bundles) {
      if (throttle !== throttles[0] && bundle !== bundles.at(-1)) continue
      const cpu = throttle > 1 ? `, CPU ${throttle}× slower` : ''
      const results: Run[] = []
      for (let i = 0; i < bundle.runs; i++) {
        const result = await measure(bundle, shape, throttle)
        runLines.push(
          `${shape}${cpu}, ${bundle.label} run ${i + 1}: long tasks ${result.longTotalMs.toFixed(0)} ms in ${result.longCount}, longest ${result.longMaxMs.toFixed(0)} ms, reply complete after ${(result.wallMs / 1000).toFixed(1)} s`,
        )
        console.log(runLines.at(-1))
        results.push(result)
      }
      const pick = (key: keyof Run) => median(results.map((r) => r[key]))
      const chunkKb = Object.values(bundle.chunks).map((code) => (gzipSize(code) / 1024).toFixed(1))
      rows.push(
        `| ${shape}${cpu} | ${bundle.label} | ${(gzipSize(bundle.widget) / 1024).toFixed(1)} KiB${chunkKb.length ? ` (+ ${chunkKb.join(' + ')} KiB lazy)` : ''} | ${pick('longTotalMs').toFixed(0)} ms | ${pick('longMaxMs').toFixed(0)} ms | ${pick('longCount')} | ${(pick('wallMs') / 1000).toFixed(1)} s | ${pick('chars').toLocaleString()} |`,
      )
    }

const table = [
  '| reply | widget bundle | gzip | long tasks, total | longest task | long tasks | reply complete after | characters shown |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n')
console.log(`\n${table}`)

if (values.write) {
  const chromium = execFileSync(ensureAptPackage('chromium'), ['--version'], { encoding: 'utf8' }).trim()
  writeFileSync(
    join(root, 'bench/results/widget.md'),
    [
      '# `<claude-chat>` on a long reply (Chromium)',
      '',
      `\`node bench/widget-long-reply.ts --tokens ${tokens} --shapes ${values.shapes} --cpu-throttle ${values['cpu-throttle']}${values.compare ? ` --compare ${values.compare} --compare-runs ${compareRuns}` : ''} --runs ${runs} --write\`, ${new Date().toISOString().slice(0, 10)}.`,
      `${chromium}, headless; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at the end.`,
      `The reply: ${tokens.toLocaleString()} tokens streamed 4 every 8 ms into client/demo.html. \`mixed\`: ${source.length.toLocaleString()} characters of`,
      'Markdown (headings, paragraphs, lists, TypeScript and Python code, tables, quotes); `paragraph`: one paragraph of',
      'lines without a blank line, `list`: one list, `code`: one code block (each the whole reply as one block open to the',
      'end: the worst case for incremental rendering). "CPU 4× slower": DevTools CPU throttling, roughly a mid-range phone.',
      'Long tasks: PerformanceObserver("longtask") from sending the message to 1 s after the reply completed',
      '(each column the median of the runs; every run is listed below). Goal (issue 19): at most 1.5 s of long tasks in total, none over 250 ms.',
      '',
      table,
      '',
      "Characters shown: the text of the reply in the page (the widget after issue 19 adds the code blocks' language labels).",
      '',
      ...runLines.map((line) => `- ${line}`),
      '',
    ].join('\n'),
  )
  console.log('written to bench/results/widget.md')
}
