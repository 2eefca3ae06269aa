import { type Block, type Inline, MarkdownStream } from './markdown.ts'
import { DEFAULT_STRINGS } from './strings.ts'

/** Texts of the code blocks' Copy button (the widget's `strings` of these names). */
export interface CodeStrings {
  copy: string
  copyCode: string
  copied: string
  copyFailed: string
}

type PreBlock = Extract<Block, { t: 'pre' }>

export interface MarkdownViewOptions {
  strings?: CodeStrings
  /** Called once per code block when it is final (its fence closed, or the text ended). */
  onCode?: (code: HTMLElement, block: PreBlock) => void
}

/**
 * Markdown streamed into `element`, kept as DOM as it grows: blocks that are final stay as they
 * are, and each `append` rebuilds only the open blocks that changed (an open code block grows
 * in place). Nodes are made with `createElement` and `textContent` only (never `innerHTML`).
 */
export class MarkdownView {
  private stream = new MarkdownStream()
  private openBlocks: Block[] = []
  private openNodes: ChildNode[] = []

  constructor(
    readonly element: HTMLElement,
    private readonly options: MarkdownViewOptions = {},
  ) {}

  append(delta: string): void {
    const { blocks, settled } = this.stream.append(delta)
    const nodes = blocks.map((block, i) => this.reuse(i, block) ?? renderBlock(block, this.element.ownerDocument, this.options.strings))
    // Old open nodes that were not kept go; new ones go in their place, kept ones are not moved.
    const kept = new Set(nodes)
    const survivors: ChildNode[] = []
    for (const node of this.openNodes) {
      if (kept.has(node)) survivors.push(node)
      else node.remove()
    }
    let next = 0
    for (const node of nodes) {
      if (node === survivors[next]) next++
      else this.element.insertBefore(node, survivors[next] ?? null)
    }
    this.settle(blocks.slice(0, settled), nodes.slice(0, settled))
    this.openBlocks = blocks.slice(settled)
    this.openNodes = nodes.slice(settled)
  }

  /** Starts again with `text` (not a continuation of what is shown). */
  reset(text: string): void {
    this.element.replaceChildren()
    this.stream = new MarkdownStream()
    this.openBlocks = []
    this.openNodes = []
    this.append(text)
  }

  /** The text is complete: every block is final. */
  finish(): void {
    this.settle(this.openBlocks, this.openNodes)
    this.stream = new MarkdownStream()
    this.openBlocks = []
    this.openNodes = []
  }

  /** The node of the previous open block at `i` when it still shows `block` (a growing code block is extended). */
  private reuse(i: number, block: Block): ChildNode | undefined {
    const old = this.openBlocks[i]
    const node = this.openNodes[i]
    if (!old || !node) return undefined
    if (equal(old, block)) return node
    if (old.t === 'pre' && block.t === 'pre' && old.lang === block.lang && block.v.startsWith(old.v)) {
      const code = (node as Element).querySelector('code')!
      const added = block.v.slice(old.v.length)
      // One text node that grows (not one more per frame).
      if (code.lastChild instanceof Text) code.lastChild.appendData(added)
      else code.append(added)
      return node
    }
    // A growing paragraph (list) keeps the nodes of its lines (items) but the last, which may still change.
    const before = lines(old)
    const after = lines(block)
    if (before && after && old.t === block.t && (old as { start?: number }).start === (block as { start?: number }).start) {
      const keep = block.t === 'p' ? before.findLastIndex((inline) => (inline as Inline).t === 'br') + 1 : before.length - 1
      if (keep > 0 && after.length >= keep && before.slice(0, keep).every((item, k) => equal(item, after[k]))) {
        const element = node as Element
        const doc = element.ownerDocument
        while (element.childNodes.length > keep) element.lastChild!.remove()
        for (const item of after.slice(keep)) {
          element.append(block.t === 'p' ? renderInline(item as Inline, doc) : withChildren(doc.createElement('li'), item as Inline[], doc))
        }
        return node
      }
    }
    return undefined
  }

  private settle(blocks: Block[], nodes: ChildNode[]): void {
    const { onCode } = this.options
    if (!onCode) return
    blocks.forEach((block, i) => {
      if (block.t === 'pre') onCode((nodes[i] as Element).querySelector('code')!, block)
    })
  }
}

/** A paragraph's inlines (one DOM node each) or a list's items (one `<li>` each). */
const lines = (block: Block): readonly unknown[] | undefined =>
  block.t === 'p' ? block.c : block.t === 'ul' || block.t === 'ol' ? block.items : undefined

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  )
}

function renderBlock(block: Block, doc: Document, strings: CodeStrings = DEFAULT_STRINGS): ChildNode {
  switch (block.t) {
    case 'pre': {
      const wrap = el(doc, 'div', 'code')
      const head = el(doc, 'div', 'code-head')
      const lang = el(doc, 'span', 'code-lang')
      lang.textContent = block.lang
      head.append(lang)
      const pre = doc.createElement('pre')
      const code = doc.createElement('code')
      if (block.lang) code.dataset.lang = block.lang
      code.textContent = block.v
      pre.append(code)
      pre.tabIndex = 0 // scrollable code must be reachable by keyboard
      const clipboard = doc.defaultView?.navigator.clipboard
      // Reads the code when clicked: a streaming block grows after it is made.
      if (clipboard) head.append(copyButton(doc, clipboard, () => code.textContent ?? '', strings, strings.copyCode))
      wrap.append(head, pre)
      return wrap
    }
    case 'table': {
      const wrap = el(doc, 'div', 'table')
      wrap.tabIndex = 0 // wide tables scroll sideways
      const table = doc.createElement('table')
      const row = (cells: Inline[][], tag: 'th' | 'td') => {
        const tr = doc.createElement('tr')
        cells.forEach((cell, index) => {
          const td = withChildren(doc.createElement(tag), cell, doc)
          const align = block.align[index]
          if (align) td.style.textAlign = align
          if (tag === 'th') td.scope = 'col'
          tr.append(td)
        })
        return tr
      }
      const head = doc.createElement('thead')
      head.append(row(block.head, 'th'))
      const body = doc.createElement('tbody')
      for (const cells of block.rows) body.append(row(cells, 'td'))
      table.append(head, body)
      wrap.append(table)
      return wrap
    }
    case 'ul':
    case 'ol': {
      const list = doc.createElement(block.t)
      if (block.t === 'ol' && block.start !== 1) (list as HTMLOListElement).start = block.start
      for (const item of block.items) list.append(withChildren(doc.createElement('li'), item, doc))
      return list
    }
    case 'heading': {
      const p = el(doc, 'p', 'heading')
      p.append(withChildren(doc.createElement('strong'), block.c, doc))
      return p
    }
    case 'quote':
      return withChildren(doc.createElement('blockquote'), block.c, doc)
    case 'p':
      return withChildren(doc.createElement('p'), block.c, doc)
  }
}

/** A button that copies `text()`; shows "Copied" for 2 s. */
export function copyButton(
  doc: Document,
  clipboard: Clipboard,
  text: () => string,
  strings: CodeStrings,
  label: string,
): HTMLButtonElement {
  const button = el(doc, 'button', 'copy')
  button.type = 'button'
  button.textContent = strings.copy
  button.setAttribute('aria-label', label)
  let timer: ReturnType<typeof setTimeout> | undefined
  button.addEventListener('click', () => {
    clipboard.writeText(text()).then(
      () => {
        button.textContent = strings.copied
        clearTimeout(timer)
        timer = setTimeout(() => (button.textContent = strings.copy), 2000)
      },
      () => (button.textContent = strings.copyFailed),
    )
  })
  return button
}

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag)
  element.className = className
  return element
}

function withChildren<E extends HTMLElement>(element: E, inlines: Inline[], doc: Document): E {
  for (const inline of inlines) element.append(renderInline(inline, doc))
  return element
}

function renderInline(inline: Inline, doc: Document): Node {
  switch (inline.t) {
    case 'text':
      return doc.createTextNode(inline.v)
    case 'br':
      return doc.createElement('br')
    case 'code': {
      const code = doc.createElement('code')
      code.textContent = inline.v
      return code
    }
    case 'strong':
    case 'em':
      return withChildren(doc.createElement(inline.t), inline.c, doc)
    case 'link': {
      const a = withChildren(doc.createElement('a'), inline.c, doc)
      a.href = inline.href
      a.target = '_blank'
      a.rel = 'noopener noreferrer nofollow'
      return a
    }
  }
}

// Syntax highlighting: a separate chunk (highlight.ts), loaded the first time a finished code
// block names a language, then applied one block per task so a reply full of code never makes
// one long task. Without the chunk (not served, or offline) code simply stays plain.
const MAX_HIGHLIGHT = 20_000
let highlighter: Promise<typeof import('./highlight.ts') | undefined> | undefined
const queue: { code: HTMLElement; block: PreBlock }[] = []

/** Highlights `code` (showing `block`) once the highlighter is loaded; a no-op for plain or very long blocks. */
export function highlightLater(code: HTMLElement, block: PreBlock): void {
  if (!block.lang || block.v.length > MAX_HIGHLIGHT) return
  if (queue.push({ code, block }) > 1) return
  highlighter ??= import('./highlight.ts').catch(() => undefined)
  void highlighter.then((module) => {
    if (!module) return void (queue.length = 0)
    const step = () => {
      const job = queue[0]
      if (!job) return
      const { code, block } = job
      // Skipped if the block changed since (a reset) or was removed.
      if (code.isConnected && code.textContent === block.v) {
        const fragment = module.highlight(block.v, block.lang, code.ownerDocument)
        if (fragment) {
          code.replaceChildren(fragment)
          code.dataset.highlighted = ''
        }
      }
      queue.shift()
      if (queue.length) setTimeout(step, 0)
    }
    step()
  })
}
