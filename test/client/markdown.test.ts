import { describe, expect, it } from 'vitest'
import { parseInline, parseMarkdown, safeHref } from '../../client/widget/markdown.ts'

describe('parseMarkdown', () => {
  it('parses paragraphs, line breaks, headings, lists, quotes and fenced code', () => {
    const md = '# Title\n\nFirst line\nsecond line\n\n- one\n- **two**\n\n3. three\n4. four\n\n> quoted\n\n```ts\nconst a = 1\n```'
    expect(parseMarkdown(md)).toEqual([
      { t: 'heading', c: [{ t: 'text', v: 'Title' }] },
      { t: 'p', c: [{ t: 'text', v: 'First line' }, { t: 'br' }, { t: 'text', v: 'second line' }] },
      { t: 'ul', start: 1, items: [[{ t: 'text', v: 'one' }], [{ t: 'strong', c: [{ t: 'text', v: 'two' }] }]] },
      { t: 'ol', start: 3, items: [[{ t: 'text', v: 'three' }], [{ t: 'text', v: 'four' }]] },
      { t: 'quote', c: [{ t: 'text', v: 'quoted' }] },
      { t: 'pre', lang: 'ts', v: 'const a = 1' },
    ])
  })

  it('treats an unclosed fence (still streaming) as code to the end', () => {
    expect(parseMarkdown('Look:\n```\nline 1\nline **2**')).toEqual([
      { t: 'p', c: [{ t: 'text', v: 'Look:' }] },
      { t: 'pre', lang: '', v: 'line 1\nline **2**' },
    ])
  })

  it('parses a table with alignment and escaped pipes, ended by a blank line', () => {
    expect(parseMarkdown('| Model | Price |\n|:---|---:|\n| **fast** | 1 \\| 2 |\n| smart | 5 |\n\nAfter')).toEqual([
      {
        t: 'table',
        align: ['left', 'right'],
        head: [[{ t: 'text', v: 'Model' }], [{ t: 'text', v: 'Price' }]],
        rows: [
          [[{ t: 'strong', c: [{ t: 'text', v: 'fast' }] }], [{ t: 'text', v: '1 | 2' }]],
          [[{ t: 'text', v: 'smart' }], [{ t: 'text', v: '5' }]],
        ],
      },
      { t: 'p', c: [{ t: 'text', v: 'After' }] },
    ])
  })

  it('keeps a lone row with pipes (no rule under it yet, e.g. while streaming) as a paragraph', () => {
    expect(parseMarkdown('| a | b |')).toEqual([{ t: 'p', c: [{ t: 'text', v: '| a | b |' }] }])
  })

  it('keeps HTML as text', () => {
    expect(parseMarkdown('<img src=x onerror=alert(1)>')).toEqual([{ t: 'p', c: [{ t: 'text', v: '<img src=x onerror=alert(1)>' }] }])
  })
})

describe('parseInline', () => {
  it('parses code spans, bold, italic and links; leaves snake_case and lone stars alone', () => {
    expect(parseInline('`a*b*` **b** *i* _j_ snake_case_name 2 * 3 * 4')).toEqual([
      { t: 'code', v: 'a*b*' },
      { t: 'text', v: ' ' },
      { t: 'strong', c: [{ t: 'text', v: 'b' }] },
      { t: 'text', v: ' ' },
      { t: 'em', c: [{ t: 'text', v: 'i' }] },
      { t: 'text', v: ' ' },
      { t: 'em', c: [{ t: 'text', v: 'j' }] },
      { t: 'text', v: ' snake_case_name 2 * 3 * 4' },
    ])
  })

  it('links only safe protocols, and autolinks bare URLs without trailing punctuation', () => {
    expect(parseInline('[ok](https://a.example/x) [bad](javascript:alert(1)) see https://b.example/y.')).toEqual([
      { t: 'link', href: 'https://a.example/x', c: [{ t: 'text', v: 'ok' }] },
      { t: 'text', v: ' ' },
      { t: 'text', v: 'bad' },
      { t: 'text', v: ' see ' },
      { t: 'link', href: 'https://b.example/y', c: [{ t: 'text', v: 'https://b.example/y' }] },
      { t: 'text', v: '.' },
    ])
  })
})

describe('safeHref', () => {
  it('allows http(s), mailto and relative links; refuses other schemes, also when obfuscated', () => {
    expect(safeHref('https://x.example')).toBe('https://x.example')
    expect(safeHref('mailto:a@b.example')).toBe('mailto:a@b.example')
    expect(safeHref('/docs#a')).toBe('/docs#a')
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:x',
      'data:text/html,x',
      'vbscript:x',
      '',
    ]) {
      expect(safeHref(bad)).toBeUndefined()
    }
  })
})
