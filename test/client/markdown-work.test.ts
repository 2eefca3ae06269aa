import { afterEach, describe, expect, it } from 'vitest'
import { formatCost } from '../../client/widget/format-cost.ts'
import { FrameScheduler, type FrameHost } from '../../client/widget/frame-scheduler.ts'
import {
  type Block,
  type InlineCache,
  MarkdownStream,
  type ParsedBlocks,
  parseBlocks,
  parseInline,
  parseMarkdown,
  parseWork,
} from '../../client/widget/markdown.ts'

// The widget's Markdown work, counted rather than timed (timed assertions are not allowed here):
// characters the parser looks at (`parseWork.steps`), regular-expression executions, parses and
// characters parsed per delta, renders per frame. Every bound is checked to be independent of the
// input's length: linear inputs cost the same per character at 2,000 and at 32,000 characters.

interface Work {
  /** Characters the parser's own scanning looked at. */
  steps: number
  /** Regular-expression executions (every exec, test, replace, split). */
  regexRuns: number
  /** Characters given to the non-sticky (line-anchored) expressions; sticky ones run at one position. */
  regexChars: number
}

const nativeExec = RegExp.prototype.exec

afterEach(() => {
  RegExp.prototype.exec = nativeExec
})

/** Runs `fn` counting the parser's steps and every regular-expression execution. */
function work<T>(fn: () => T): { result: T; work: Work } {
  const counted: Work = { steps: 0, regexRuns: 0, regexChars: 0 }
  const before = parseWork.steps
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    counted.regexRuns++
    if (!this.sticky) counted.regexChars += String(input).length - (this.global ? this.lastIndex : 0)
    return nativeExec.call(this, input)
  }
  try {
    const result = fn()
    counted.steps = parseWork.steps - before
    return { result, work: counted }
  } finally {
    RegExp.prototype.exec = nativeExec
  }
}

/** A small seeded generator, so a failing fuzz case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const repeat = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)

/** Inputs that make naive Markdown parsers quadratic (or worse), each of about `n` characters. */
const PATHOLOGICAL: Record<string, (n: number) => string> = {
  'a run of [': (n) => repeat('[', n),
  'a run of [ closed at the end': (n) => `${repeat('[', n - 1)}]`,
  'a run of [ then ](': (n) => `${repeat('[', n - 2)}](`,
  'unclosed links [a](': (n) => repeat('[a](', n),
  'a link destination never closed': (n) => `[x](${repeat('y', n - 4)}`,
  'links with ( in the destination': (n) => repeat('[a](b(c', n),
  'a run of *': (n) => repeat('*', n),
  'a run of _': (n) => repeat('_', n),
  'a run of backticks': (n) => repeat('`', n),
  'backtick runs of rising length': (n) => {
    let text = ''
    for (let k = 1; text.length < n; k++) text += `${'`'.repeat(k)}x`
    return text.slice(0, n)
  },
  'backticks and text': (n) => repeat('`a``b```c', n),
  'nested emphasis openers': (n) => `${repeat('*_**__', n - 1)}x`,
  'emphasis openers and closers around spaces': (n) => repeat('*a **b _c __d * _ ** __ ', n),
  'alternating delimiters without spaces': (n) => repeat('*_`[', n),
  'a very long line of words': (n) => repeat('word ', n),
  'a very long URL': (n) => `https://${repeat('a.', n - 8)}`,
  'URLs that end in punctuation': (n) => repeat('http://.,;', n),
  'http without a scheme': (n) => repeat('http', n),
  'a heading with a long gap': (n) => `# a${repeat(' ', n - 4)}b`,
  'a heading of #': (n) => `# ${repeat('#', n - 3)}x`,
  'a fence with a long info string': (n) => `\`\`\`${repeat('a', n - 4)}\``,
  'a fence with spaces in its info string': (n) => `\`\`\`${repeat(' a', n - 4)}\``,
  'a table rule with a long tail': (n) => `a|b\n|---${repeat(' ', n - 9)}x`,
  'table rules of many cells': (n) => `a|b\n${repeat('|--- ', n - 5)}x`,
  'many lines of pipes and dashes': (n) => repeat('|\n-\n', n),
  'many blank lines': (n) => repeat('\n', n),
  'many list items and quotes': (n) => repeat('- > * 1. ', n),
  'CR line ends': (n) => repeat('a\r\n\r', n),
  'a list item with a line separator at its end': (n) => `- ${repeat(' ', n / 2)}${repeat('x', n / 2 - 3)}\u2028`,
  'a backtick run with a line separator at its end': (n) => `${repeat('`', n - 1)}\u2028`,
  'a numbered item with a paragraph separator at its end': (n) => `1. ${repeat(' ', n / 2)}${repeat('x', n / 2 - 4)}\u2029`,
}

describe('the Markdown parser does work in proportion to its input', () => {
  for (const [name, make] of Object.entries(PATHOLOGICAL)) {
    it(name, () => {
      const small = make(2000)
      const large = make(32_000)
      const a = work(() => parseMarkdown(small)).work
      const b = work(() => parseMarkdown(large)).work
      // At most a few looks per character, and no more per character for a 16× longer input.
      for (const key of ['steps', 'regexRuns', 'regexChars'] as const) {
        expect(b[key] / large.length, `${key} per character`).toBeLessThan(16)
        expect(b[key] / large.length, `${key} per character, 32,000 vs 2,000`).toBeLessThanOrEqual((a[key] / small.length) * 1.1 + 0.05)
      }
    })
  }

  it('32,000 [ (622 ms per parse with the old regex): a few steps per character', () => {
    const text = '['.repeat(32_000)
    const { result, work: w } = work(() => parseMarkdown(text))
    expect(result).toEqual([{ t: 'p', c: [{ t: 'text', v: text }] }])
    expect(w.steps).toBeLessThan(4 * text.length)
    expect(w.regexRuns).toBeLessThan(20)
  })

  it('random mixtures of Markdown syntax: linear work, and nothing from the input lost or invented', () => {
    const next = random(19)
    const alphabet = ['[', ']', '(', ')', '*', '_', '`', '#', '|', '-', '>', ' ', '\n', 'a', 'http://x.y/', '```', '**', '__', '1. ', '- ']
    for (let round = 0; round < 40; round++) {
      let text = ''
      while (text.length < 6000) text += alphabet[Math.floor(next() * alphabet.length)]
      const { result, work: w } = work(() => parseMarkdown(text))
      expect(w.steps / text.length).toBeLessThan(16)
      expect(w.regexChars / text.length).toBeLessThan(16)
      expect(w.regexRuns / text.length).toBeLessThan(8)
      // Rendered text only drops syntax: never more characters than the source.
      expect(textOf(result).length).toBeLessThanOrEqual(text.length)
    }
  })

  it('nesting stays shallow: the same delimiter never opens inside itself', () => {
    const text = `${'*a _b **c __d [e'.repeat(2000)}`
    const { work: w } = work(() => parseInline(text))
    expect(w.steps / text.length).toBeLessThan(16)
  })

  it('keeps the inline rules: code spans of any length, links, emphasis, snake_case, bare URLs', () => {
    expect(parseInline('`` a`b `` and ```x``')).toEqual([
      { t: 'code', v: 'a`b' },
      { t: 'text', v: ' and ```x``' },
    ])
    expect(parseInline('[[a](https://x.example/p_(1)) **b _c_ d** __e__ snake_case_x http://y.example/z_.')).toEqual([
      { t: 'link', href: 'https://x.example/p_(1)', c: [{ t: 'text', v: '[a' }] },
      { t: 'text', v: ' ' },
      {
        t: 'strong',
        c: [
          { t: 'text', v: 'b ' },
          { t: 'em', c: [{ t: 'text', v: 'c' }] },
          { t: 'text', v: ' d' },
        ],
      },
      { t: 'text', v: ' ' },
      { t: 'strong', c: [{ t: 'text', v: 'e' }] },
      { t: 'text', v: ' snake_case_x ' },
      { t: 'link', href: 'http://y.example/z_', c: [{ t: 'text', v: 'http://y.example/z_' }] },
      { t: 'text', v: '.' },
    ])
    expect(parseInline('[t](<https://x.example/a> "title") [u](javascript:alert(1))')).toEqual([
      { t: 'link', href: 'https://x.example/a', c: [{ t: 'text', v: 't' }] },
      { t: 'text', v: ' ' },
      { t: 'text', v: 'u' },
    ])
  })

  it('headings: closing # only after a space; fences: the language, and no backtick in the info string', () => {
    expect(parseMarkdown('## C# ##\n# Done #')).toEqual([
      { t: 'heading', c: [{ t: 'text', v: 'C#' }] },
      { t: 'heading', c: [{ t: 'text', v: 'Done' }] },
    ])
    expect(parseMarkdown('```ts title="x"\na\n```')).toEqual([{ t: 'pre', lang: 'ts', v: 'a' }])
    expect(parseMarkdown('```a`b\nx')).toEqual([{ t: 'p', c: [{ t: 'text', v: '```a`b' }, { t: 'br' }, { t: 'text', v: 'x' }] }])
  })
})

/** A long reply as Claude writes one: headings, paragraphs, lists, code, tables, quotes. */
function reply(sections: number): string {
  const out: string[] = []
  for (let n = 1; n <= sections; n++) {
    const k = String(n).padStart(3, '0') // every section the same length
    out.push(
      `## Section ${k}`,
      '',
      `Paragraph ${k} with **bold**, _italic_, \`code\` and a [link](https://example.com/${k}). `.repeat(3),
      '',
      '- one',
      '- two with `code`',
      '',
      '```ts',
      `export function f${k}(x: number): number {`,
      '  return x * 2',
      '}',
      '```',
      '',
      '| a | b |',
      '|---|---|',
      `| ${k} | ${n * 2} |`,
      '',
      `> Quote ${k}`,
      '',
    )
  }
  return out.join('\n')
}

/** Streams `text` in pieces of `size` characters; returns the blocks shown at the end and the parse work per piece. */
function stream(text: string, sizes: () => number) {
  const parsed: number[] = []
  const counting = (source: string, cache?: InlineCache): ParsedBlocks => {
    parsed.push(source.length)
    return parseBlocks(source, cache)
  }
  const md = new MarkdownStream(counting)
  const done: Block[] = []
  let open: Block[] = []
  for (let at = 0; at < text.length; ) {
    const size = Math.max(1, sizes())
    const { blocks, settled } = md.append(text.slice(at, at + size))
    done.push(...blocks.slice(0, settled))
    open = blocks.slice(settled)
    at += size
  }
  return { blocks: [...done, ...open], parsed }
}

describe('MarkdownStream: a streamed reply is parsed in time proportional to what arrived', () => {
  it('parses once per delta, only the open blocks: the most parsed per delta does not grow with the reply', () => {
    const short = reply(10)
    const long = reply(160)
    const a = stream(short, () => 4)
    const b = stream(long, () => 4)
    expect(a.parsed.length).toBe(Math.ceil(short.length / 4))
    expect(b.parsed.length).toBe(Math.ceil(long.length / 4))
    // The largest block (a paragraph of ~250 characters, or the blank-line-free run from a code
    // block to its table) plus a delta; the same for 10 sections and for 160 (25,000+ characters).
    const maxShort = Math.max(...a.parsed)
    const maxLong = Math.max(...b.parsed)
    expect(maxLong).toBeLessThan(400)
    expect(maxLong).toBe(maxShort)
    // In all: about (average open block / 4) characters parsed per character of the reply, at any length.
    const perChar = (r: { parsed: number[] }, text: string) => r.parsed.reduce((x, y) => x + y, 0) / text.length
    expect(perChar(b, long)).toBeLessThan(perChar(a, short) * 1.1)
  })

  it('re-parses only the changed line of a long open paragraph: the other lines come from the cache', () => {
    const line = (i: number) => `Line ${String(i).padStart(3, '0')} with **bold**, \`code\` and a [link](https://example.com/${i}).`
    const text = Array.from({ length: 300 }, (_, i) => line(i)).join('\n')
    const md = new MarkdownStream()
    let worst = 0
    for (let at = 0; at < text.length; at += 4) {
      const before = parseWork.steps
      md.append(text.slice(at, at + 4))
      // The whole text is one open paragraph: splitting it into lines is counted once per character,
      // the inline parsing only for the line that changed.
      const splitting = Math.min(at + 4, text.length)
      worst = Math.max(worst, parseWork.steps - before - splitting)
    }
    expect(worst).toBeLessThan(4 * line(0).length)
  })

  it('shows exactly what parsing the whole text shows, however the text is cut (fuzzed)', () => {
    const next = random(7)
    const texts = [
      reply(6),
      'a\n\n```\ncode\n\n\nmore\n```\nafter\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n- a\n- b\n\n> q\n> r\n\n# h\ntext',
      'CRLF\r\n\r\npara\r\n```js\r\nx\r\n```\r\n\r\nend\r',
      '```\nunclosed\n\nfence',
      'line | with pipe\n\n|---|\n\nx|y\n|---|\n\n~~~\n```\n~~~\n\n````\n```\n````\n',
    ]
    for (let round = 0; round < 60; round++) {
      let text = ''
      while (text.length < 400)
        text += ['\n', '\n\n', '```', '```ts\n', '~~~\n', '| a |', '|---|', '- ', '> ', '# ', 'word ', '**b** ', '\r\n'][
          Math.floor(next() * 13)
        ]
      texts.push(text)
    }
    for (const text of texts) {
      const whole = parseMarkdown(text)
      for (const max of [1, 3, 17]) expect(stream(text, () => 1 + Math.floor(next() * max)).blocks).toEqual(whole)
    }
  })
})

describe('FrameScheduler: at most one render per animation frame', () => {
  function fakeHost(withFrames: boolean) {
    const frames: (() => void)[] = []
    const timers = new Map<number, () => void>()
    let id = 0
    const host: FrameHost = {
      setTimeout: (callback) => (timers.set(++id, callback), id),
      clearTimeout: (handle) => void timers.delete(handle as number),
      ...(withFrames && {
        requestAnimationFrame: (callback: () => void) => frames.push(callback),
        cancelAnimationFrame: (handle: number) => void (frames[handle - 1] = () => {}),
      }),
    }
    return {
      host,
      frame: () => frames.splice(0).forEach((run) => run()),
      timers: () => [...timers.values()].forEach((run) => run()),
    }
  }

  it('runs once per frame however many deltas arrived, and at once when flushed', () => {
    const { host, frame } = fakeHost(true)
    let runs = 0
    const scheduler = new FrameScheduler(() => runs++, host)
    for (let f = 0; f < 50; f++) {
      for (let delta = 0; delta < 200; delta++) scheduler.request()
      frame()
    }
    expect(runs).toBe(50)
    frame()
    expect(runs).toBe(50) // nothing requested: nothing run
    scheduler.request()
    scheduler.flush()
    expect(runs).toBe(51)
    frame()
    expect(runs).toBe(51) // the flush cancelled the frame
  })

  it('renders from a timer when no frame comes (a hidden page), still once per batch', () => {
    const { host, timers } = fakeHost(false)
    let runs = 0
    const scheduler = new FrameScheduler(() => runs++, host)
    for (let delta = 0; delta < 1000; delta++) scheduler.request()
    timers()
    expect(runs).toBe(1)
  })
})

describe('formatCost', () => {
  it('never shows $0.0000: under a hundredth of a cent, two significant digits, then cents', () => {
    expect([0, 0.0000012, 0.00005, 0.00016, 0.00099, 0.0213, 0.5, 0.999, 1.234, 12].map(formatCost)).toEqual([
      '$0',
      '<$0.0001',
      '<$0.0001',
      '$0.0002',
      '$0.0010',
      '$0.021',
      '$0.50',
      '$1.00',
      '$1.23',
      '$12.00',
    ])
  })
})

function textOf(blocks: Block[]): string {
  const inline = (items: unknown[]): string =>
    items
      .map((item) => {
        const node = item as { t: string; v?: string; c?: unknown[] }
        return node.v ?? (node.c ? inline(node.c) : '')
      })
      .join('')
  return blocks
    .map((block) =>
      block.t === 'pre'
        ? block.v
        : block.t === 'table'
          ? [block.head, ...block.rows].flat().map(inline).join('')
          : 'items' in block
            ? block.items.map(inline).join('')
            : inline(block.c),
    )
    .join('')
}
