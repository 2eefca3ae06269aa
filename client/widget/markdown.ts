/**
 * The small, safe Markdown subset the widget renders: paragraphs, line breaks, headings (as bold
 * lines), lists, block quotes, tables, fenced code blocks, code spans, bold, italic and links whose
 * protocol is http(s) or mailto. Parsing is pure (a tree of plain values); `render-markdown.ts`
 * turns the tree into DOM nodes with `textContent` only, so model output is never parsed as HTML.
 *
 * Every step is linear in the input: the block regexes run once per line and cannot backtrack
 * more than a line, and inline syntax is found by one left-to-right scan whose closing-delimiter
 * searches only move forward (each character is looked at a bounded number of times, whatever
 * runs of `[`, `*`, `_` or backticks the text holds). `parseWork.steps` counts that scanning, so
 * tests can check the work instead of timing it.
 */

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'br' }
  | { t: 'strong' | 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] }

export type Block =
  | { t: 'p' | 'heading' | 'quote'; c: Inline[] }
  | { t: 'pre'; lang: string; v: string }
  | { t: 'ul' | 'ol'; start: number; items: Inline[][] }
  | { t: 'table'; align: Align[]; head: Inline[][]; rows: Inline[][][] }

export type Align = 'left' | 'center' | 'right' | undefined

/** Blocks of a source, and how much of it is settled (see `parseBlocks`). */
export interface ParsedBlocks {
  blocks: Block[]
  /** `blocks.slice(0, settled)` stay as they are whatever text is appended to the source. */
  settled: number
  /** Where the unsettled blocks start in the source: parsing `source.slice(offset)` (plus anything appended) gives them. */
  offset: number
}

/** Characters looked at by the parser since the page loaded (or a test reset it): a measure of work, not time. */
export const parseWork = { steps: 0 }

// `s`: `.` also takes U+2028/U+2029 (left inside lines), so `(.*)$` always matches and nothing before it backtracks.
const FENCE = /^\s{0,3}(`{3,}|~{3,})(.*)$/s
const FENCE_LANG = /^\s*([\w+#.-]*)/
const HEADING = /^\s{0,3}#{1,6}\s(.*)$/s
const BULLET = /^\s*[-*+]\s+(.*)$/s
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/s
const QUOTE = /^\s{0,3}>\s?(.*)$/s
// Tested on the trimmed line: no two whitespace runs are adjacent, so it cannot backtrack much.
const TABLE_RULE = /^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$/

export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source).blocks
}

/**
 * Parses `source` and tells which blocks are settled: those before the last line that starts
 * afresh (after a blank line, or after a closed code fence) once that line is complete. A stream
 * keeps those as they are and parses only the text from `offset` on again as more arrives.
 */
export function parseBlocks(source: string, cache?: InlineCache): ParsedBlocks {
  lineCache = cache
  try {
    return blocksOf(source)
  } finally {
    if (cache) [cache.previous, cache.current] = [cache.current, new Map()]
    lineCache = undefined
  }
}

/**
 * Lines parsed by the last parse (`previous`) and by this one (`current`): a stream parsing its
 * open blocks again parses only the lines that changed (in a long paragraph, the last one).
 */
export interface InlineCache {
  previous: Map<string, Inline[]>
  current: Map<string, Inline[]>
}

let lineCache: InlineCache | undefined

function blocksOf(source: string): ParsedBlocks {
  const lines: string[] = []
  const starts: number[] = []
  for (let start = 0, i = 0; ; i++) {
    const c = source.charCodeAt(i)
    if (i === source.length || c === 10 || c === 13) {
      lines.push(source.slice(start, i))
      starts.push(start)
      if (i === source.length) break
      if (c === 13 && source.charCodeAt(i + 1) === 10) i++
      start = i + 1
    }
  }
  parseWork.steps += source.length
  const blocks: Block[] = []
  let settled = 0
  let offset = 0
  let paragraph: string[] = []
  let quote: string[] = []
  let list: { t: 'ul' | 'ol'; start: number; items: string[][] } | undefined
  /** The line before this one left nothing open (a blank line, or a fence that closed). */
  let fresh = false

  const flush = () => {
    if (paragraph.length) blocks.push({ t: 'p', c: inlineLines(paragraph) })
    if (quote.length) blocks.push({ t: 'quote', c: inlineLines(quote) })
    if (list) blocks.push({ t: list.t, start: list.start, items: list.items.map(inlineLines) })
    paragraph = []
    quote = []
    list = undefined
  }

  for (let i = 0; i < lines.length; i++) {
    if (fresh) {
      settled = blocks.length
      offset = starts[i]!
      fresh = false
    }
    const line = lines[i]!
    const fence = FENCE.exec(line)
    if (fence && !fence[2]!.includes('`')) {
      flush()
      const marker = fence[1]!
      const code: string[] = []
      // An unclosed fence (still streaming) runs to the end of the text.
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(marker); i++) code.push(lines[i]!)
      blocks.push({ t: 'pre', lang: FENCE_LANG.exec(fence[2]!)![1]!, v: code.join('\n') })
      fresh = i < lines.length
      continue
    }
    if (line.trim() === '') {
      flush()
      fresh = true
      continue
    }
    const next = lines[i + 1]
    if (line.includes('|') && next?.includes('-') && TABLE_RULE.test(next.trim())) {
      flush()
      const align = cells(next).map((cell): Align => {
        const left = cell.startsWith(':')
        const right = cell.endsWith(':')
        return left && right ? 'center' : right ? 'right' : left ? 'left' : undefined
      })
      const rows: Inline[][][] = []
      for (i += 2; i < lines.length && lines[i]!.includes('|') && lines[i]!.trim() !== ''; i++) {
        rows.push(cells(lines[i]!).map(parseInline))
      }
      i--
      blocks.push({ t: 'table', align, head: cells(line).map(parseInline), rows })
      continue
    }
    const heading = HEADING.exec(line)
    if (heading) {
      flush()
      blocks.push({ t: 'heading', c: parseInline(headingText(heading[1]!)) })
      continue
    }
    const bullet = BULLET.exec(line)
    const numbered = bullet ? null : NUMBERED.exec(line)
    if (bullet || numbered) {
      const t = bullet ? 'ul' : 'ol'
      if (!list || list.t !== t) {
        flush()
        list = { t, start: numbered ? Number(numbered[1]) : 1, items: [] }
      }
      list.items.push([bullet ? bullet[1]! : numbered![2]!])
      continue
    }
    const quoted = QUOTE.exec(line)
    if (quoted && !paragraph.length && !list) {
      quote.push(quoted[1]!)
      continue
    }
    if (list) list.items[list.items.length - 1]!.push(line.trim())
    else if (quote.length) quote.push(line)
    else paragraph.push(line)
  }
  flush()
  return { blocks, settled, offset }
}

/** `Title ##` → `Title`; a closing run of `#` counts only after whitespace (`C#` stays). */
function headingText(text: string): string {
  const trimmed = text.trim()
  let end = trimmed.length
  while (end > 0 && trimmed[end - 1] === '#') end--
  return end === 0 ? '' : isSpace(trimmed[end - 1]) ? trimmed.slice(0, end).trimEnd() : trimmed
}

/** `| a | b \| c |` → `['a', 'b | c']`. */
function cells(row: string): string[] {
  const text = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
  return text.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'))
}

function inlineLines(lines: string[]): Inline[] {
  const out: Inline[] = []
  lines.forEach((line, index) => {
    if (index > 0) out.push({ t: 'br' })
    let parsed = lineCache?.previous.get(line)
    if (!parsed) parsed = parseInline(line)
    lineCache?.current.set(line, parsed)
    // Not push(...parsed): a line can hold more inlines than a call takes arguments.
    for (const inline of parsed) out.push(inline)
  })
  return out
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && ch.trim() === ''
/** `\w`: ASCII letters, digits and `_`. */
const isWord = (ch: string | undefined): boolean =>
  ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_')

// After `](`: the destination (one level of parentheses inside it), an optional "title", `)`.
// Sticky, run at one position, and only once per `]` (many `[` can share one).
const LINK_TAIL = /\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+"[^"\n]*")?\s*\)/y
const BARE_URL = /https?:\/\/[^\s<>"')\]]*[^\s<>"')\].,;:!?]/y

/**
 * Inline syntax of one line: code spans, links, `**bold**`/`__bold__`, `*italic*`/`_italic_` and
 * bare http(s) URLs. The earliest construct wins; at one position, that order decides.
 */
export function parseInline(text: string): Inline[] {
  return inlines(text, 0, text.length, 0)
}

/**
 * The inlines of `text.slice(from, to)`, seeing the characters around it: emphasis closes at the
 * nearest valid delimiter, judged in the whole line, so the same kind never nests inside itself and
 * contents are parsed again at most a few levels deep (`depth`).
 */
function inlines(text: string, from: number, to: number, depth: number): Inline[] {
  if (depth > 6) return [{ t: 'text', v: text.slice(from, to) }]
  const out: Inline[] = []
  const inner = (start: number, end: number) => inlines(text, start, end, depth + 1)
  // Closing-delimiter searches: each remembers its last answer and only ever scans forward.
  const find = (test: (c: number) => boolean) => closer(to, test)
  const strongStar = find((c) => text[c] === '*' && text[c + 1] === '*' && !isSpace(text[c - 1]))
  const emStar = find((c) => text[c] === '*' && text[c - 1] !== '*' && !isSpace(text[c - 1]) && text[c + 1] !== '*' && !isWord(text[c + 1]))
  const strongUnder = find((c) => text[c] === '_' && text[c + 1] === '_' && !isSpace(text[c - 1]) && !isWord(text[c + 2]))
  const emUnder = find((c) => text[c] === '_' && text[c - 1] !== '_' && !isSpace(text[c - 1]) && !isWord(text[c + 1]))
  const bracketEnd = find((c) => text[c] === ']' || text[c] === '\n')
  let runs: Map<number, number[]> | undefined
  const runCursor = new Map<number, number>()
  let tailAt = -1
  let tail: { end: number; href: string | undefined } | undefined

  let plain = from
  let i = from
  while (i < to) {
    parseWork.steps++
    const ch = text[i]
    let node: Inline | undefined
    let end = i
    if (ch === '`') {
      let k = 1
      while (i + k < to && text[i + k] === '`') k++
      runs ??= backtickRuns(text, i, to)
      const list = runs.get(k) ?? []
      let at = runCursor.get(k) ?? 0
      while (at < list.length && list[at]! <= i) at++
      runCursor.set(k, at)
      const close = list[at]
      if (close === undefined) {
        i += k // no run of the same length later: the backticks are text
        continue
      }
      const code = text.slice(i + k, close)
      node = { t: 'code', v: code.trim() === '' ? code : code.replace(/^ (.*) $/s, '$1') }
      end = close + k
    } else if (ch === '[') {
      // `[^\]\n]+`: the text up to the nearest `]`, on this line, not empty.
      const close = bracketEnd(i + 1)
      if (close > i + 1 && close < to && text[close] === ']' && text[close + 1] === '(') {
        if (tailAt !== close) {
          tailAt = close
          LINK_TAIL.lastIndex = close + 1
          const m = LINK_TAIL.exec(text)
          parseWork.steps += m ? m[0].length : 1
          tail = m && close + 1 + m[0].length <= to ? { end: close + 1 + m[0].length, href: safeHref(m[1] ?? '') } : undefined
        }
        if (tail) {
          node =
            tail.href === undefined ? { t: 'text', v: text.slice(i + 1, close) } : { t: 'link', href: tail.href, c: inner(i + 1, close) }
          end = tail.end
        }
      }
    } else if (ch === '*' || ch === '_') {
      const star = ch === '*'
      // Only what is inside counts before the start (`__*a*__`), as in a line of its own.
      const before = i > from ? text[i - 1] : undefined
      if (i + 2 < to && text[i + 1] === ch && !isSpace(text[i + 2]) && (star || !isWord(before))) {
        const close = (star ? strongStar : strongUnder)(i + 3)
        if (close + 2 <= to) {
          node = { t: 'strong', c: inner(i + 2, close) }
          end = close + 2
        }
      }
      const after = text[i + 1]
      if (!node && i + 1 < to && !isWord(before) && before !== ch && after !== ch && !isSpace(after)) {
        const close = (star ? emStar : emUnder)(i + 2)
        if (close + 1 <= to) {
          node = { t: 'em', c: inner(i + 1, close) }
          end = close + 1
        }
      }
    } else if (ch === 'h' && text.startsWith('http', i)) {
      BARE_URL.lastIndex = i
      let m = BARE_URL.exec(text)
      if (m && i + m[0].length > to) {
        // Runs past this content (e.g. into the closing `*`): the URL within it, if any.
        BARE_URL.lastIndex = 0
        m = BARE_URL.exec(text.slice(i, to))
      }
      if (m) {
        parseWork.steps += m[0].length
        node = { t: 'link', href: m[0], c: [{ t: 'text', v: m[0] }] }
        end = i + m[0].length
      }
    }
    if (node) {
      if (i > plain) out.push({ t: 'text', v: text.slice(plain, i) })
      out.push(node)
      i = plain = end
    } else i++
  }
  if (plain < to) out.push({ t: 'text', v: text.slice(plain, to) })
  return out
}

/**
 * `find(from)`: the first index ≥ `from` and < `to` where `test` holds, or `to`. Calls must not go
 * backwards; a later call reuses the last answer when it is still ahead, so the text is scanned once.
 */
function closer(to: number, test: (index: number) => boolean): (from: number) => number {
  let scannedFrom = 0
  let found = -1
  return (from) => {
    if (found >= from && scannedFrom <= from) return found
    scannedFrom = from
    for (found = from; found < to && !test(found); found++) parseWork.steps++
    return found
  }
}

/** Start positions of the maximal runs of backticks in `text.slice(from, to)`, by run length. */
function backtickRuns(text: string, from: number, to: number): Map<number, number[]> {
  const runs = new Map<number, number[]>()
  for (let i = from; i < to; i++) {
    parseWork.steps++
    if (text[i] !== '`') continue
    let k = 1
    while (i + k < to && text[i + k] === '`') k++
    let list = runs.get(k)
    if (!list) runs.set(k, (list = []))
    list.push(i)
    parseWork.steps += k
    i += k - 1
  }
  return runs
}

/**
 * The href if it is safe to follow: http, https, mailto, or relative. Whitespace and control
 * characters are removed first, as browsers ignore them inside a scheme (`java\tscript:`).
 */
export function safeHref(href: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a safe href must not carry (`java\tscript:`)
  const clean = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
  if (clean === '') return undefined
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(clean)
  if (!scheme) return clean.startsWith('\\') ? undefined : clean
  return ['http', 'https', 'mailto'].includes(scheme[1]!.toLowerCase()) ? clean : undefined
}

/** What an `append` changed: blocks now final, then the blocks still open (together they replace the previous open blocks). */
export interface StreamUpdate {
  blocks: Block[]
  /** `blocks.slice(0, settled)` are final. */
  settled: number
}

/**
 * Markdown that arrives in pieces, parsed in time proportional to what arrived: settled blocks
 * are handed out once and their text dropped, so each `append` parses only the text from the
 * first block still open (usually the last paragraph, list or code block) plus the delta.
 */
export class MarkdownStream {
  /** The source from the first open block on. */
  private tail = ''
  private readonly cache: InlineCache = { previous: new Map(), current: new Map() }

  constructor(private readonly parse: (source: string, cache?: InlineCache) => ParsedBlocks = parseBlocks) {}

  append(delta: string): StreamUpdate {
    this.tail += delta
    const { blocks, settled, offset } = this.parse(this.tail, this.cache)
    this.tail = this.tail.slice(offset)
    return { blocks, settled }
  }
}
