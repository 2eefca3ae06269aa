/**
 * The small, safe Markdown subset the widget renders: paragraphs, line breaks, headings (as bold
 * lines), lists, block quotes, tables, fenced code blocks, code spans, bold, italic and links whose
 * protocol is http(s) or mailto. Parsing is pure (a tree of plain values); `render.ts` turns the
 * tree into DOM nodes with `textContent` only, so model output is never parsed as HTML.
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

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$/
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/
const BULLET = /^\s*[-*+]\s+(.*)$/
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/
const QUOTE = /^\s{0,3}>\s?(.*)$/
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let paragraph: string[] = []
  let quote: string[] = []
  let list: { t: 'ul' | 'ol'; start: number; items: string[][] } | undefined

  const flush = () => {
    if (paragraph.length) blocks.push({ t: 'p', c: inlineLines(paragraph) })
    if (quote.length) blocks.push({ t: 'quote', c: inlineLines(quote) })
    if (list) blocks.push({ t: list.t, start: list.start, items: list.items.map(inlineLines) })
    paragraph = []
    quote = []
    list = undefined
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fence = FENCE.exec(line)
    if (fence) {
      flush()
      const marker = fence[1]!
      const code: string[] = []
      // An unclosed fence (still streaming) runs to the end of the text.
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(marker); i++) code.push(lines[i]!)
      blocks.push({ t: 'pre', lang: fence[2] ?? '', v: code.join('\n') })
      continue
    }
    if (line.trim() === '') {
      flush()
      continue
    }
    const next = lines[i + 1]
    if (line.includes('|') && next?.includes('-') && TABLE_RULE.test(next)) {
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
      blocks.push({ t: 'heading', c: parseInline(heading[1]!) })
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
  return blocks
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
    out.push(...parseInline(line))
  })
  return out
}

// Earliest match wins; at the same index, the order of the alternatives decides.
const INLINE =
  /(`+)([\s\S]*?[^`])\1(?!`)|\[([^\]\n]+)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+"[^"\n]*")?\s*\)|\*\*(?=\S)([\s\S]*?\S)\*\*|(?<![\w*])\*(?=[^\s*])([\s\S]*?[^\s*])\*(?![\w*])|(?<!\w)__(?=\S)([\s\S]*?\S)__(?!\w)|(?<!\w)_(?=[^\s_])([\s\S]*?[^\s_])_(?!\w)|(https?:\/\/[^\s<>"')\]]*[^\s<>"')\].,;:!?])/

export function parseInline(text: string): Inline[] {
  const out: Inline[] = []
  let rest = text
  for (;;) {
    const m = INLINE.exec(rest)
    if (!m) break
    if (m.index > 0) out.push({ t: 'text', v: rest.slice(0, m.index) })
    const [whole, , code, linkText, href, bold, em, bold2, em2, url] = m
    if (code !== undefined) out.push({ t: 'code', v: code.trim() === '' ? code : code.replace(/^ (.*) $/s, '$1') })
    else if (linkText !== undefined) {
      const safe = safeHref(href ?? '')
      out.push(safe === undefined ? { t: 'text', v: linkText } : { t: 'link', href: safe, c: parseInline(linkText) })
    } else if (bold !== undefined || bold2 !== undefined) out.push({ t: 'strong', c: parseInline((bold ?? bold2)!) })
    else if (em !== undefined || em2 !== undefined) out.push({ t: 'em', c: parseInline((em ?? em2)!) })
    else if (url !== undefined) out.push({ t: 'link', href: url, c: [{ t: 'text', v: url }] })
    rest = rest.slice(m.index + whole.length)
  }
  if (rest) out.push({ t: 'text', v: rest })
  return out
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
