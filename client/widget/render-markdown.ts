import { parseMarkdown, type Block, type Inline } from './markdown.ts'

/** Markdown → DOM nodes, built with `createElement` and `textContent` only (never `innerHTML`). */
export function renderMarkdown(source: string, doc: Document = document): DocumentFragment {
  const fragment = doc.createDocumentFragment()
  for (const block of parseMarkdown(source)) fragment.append(renderBlock(block, doc))
  return fragment
}

function renderBlock(block: Block, doc: Document): Node {
  switch (block.t) {
    case 'pre': {
      const wrap = doc.createElement('div')
      wrap.className = 'code'
      const pre = doc.createElement('pre')
      const code = doc.createElement('code')
      if (block.lang) code.dataset.lang = block.lang
      code.textContent = block.v
      pre.append(code)
      pre.tabIndex = 0 // scrollable code must be reachable by keyboard
      wrap.append(pre)
      const clipboard = doc.defaultView?.navigator.clipboard
      if (clipboard) wrap.append(copyButton(doc, clipboard, block.v))
      return wrap
    }
    case 'table': {
      const wrap = doc.createElement('div')
      wrap.className = 'table'
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
      const p = doc.createElement('p')
      p.className = 'heading'
      p.append(withChildren(doc.createElement('strong'), block.c, doc))
      return p
    }
    case 'quote':
      return withChildren(doc.createElement('blockquote'), block.c, doc)
    case 'p':
      return withChildren(doc.createElement('p'), block.c, doc)
  }
}

function copyButton(doc: Document, clipboard: Clipboard, text: string): HTMLButtonElement {
  const button = doc.createElement('button')
  button.type = 'button'
  button.className = 'copy'
  button.textContent = 'Copy'
  button.setAttribute('aria-label', 'Copy code')
  button.addEventListener('click', () => {
    clipboard.writeText(text).then(
      () => {
        button.textContent = 'Copied'
        setTimeout(() => (button.textContent = 'Copy'), 2000)
      },
      () => (button.textContent = 'Copy failed'),
    )
  })
  return button
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
