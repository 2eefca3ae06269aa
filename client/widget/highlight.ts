/**
 * Syntax highlighting for code blocks, with `@speed-highlight/core` (CC0, about 8 KiB gzipped with
 * all its 33 languages). The widget loads this module lazily (`import('./highlight.ts')`, a separate
 * chunk of the bundle) the first time a finished code block names a language, so its main bundle
 * stays small. Tokens become `<span class="tk-…">` nodes made with `textContent`: the code is never
 * parsed as HTML.
 */
import * as languages from '@speed-highlight/core/languages'
import { type ShjLanguageData, tokenizeWith } from '@speed-highlight/core/tokenize'

/** Fence labels models use → the library's language names. */
const ALIASES: Record<string, string> = {
  javascript: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  node: 'js',
  typescript: 'ts',
  tsx: 'ts',
  python: 'py',
  python3: 'py',
  rust: 'rs',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  shellsession: 'bash',
  yml: 'yaml',
  dockerfile: 'docker',
  golang: 'go',
  markdown: 'md',
  patch: 'diff',
  cpp: 'c',
  'c++': 'c',
  h: 'c',
  hpp: 'c',
  kotlin: 'java',
  svg: 'xml',
  jsonc: 'json',
  json5: 'json',
  makefile: 'make',
  perl: 'pl',
}

const GRAMMARS = languages as unknown as Record<string, ShjLanguageData>

/** The highlighted `code`, or undefined for a language this highlighter does not know. */
export function highlight(code: string, lang: string, doc: Document): DocumentFragment | undefined {
  const language = grammar(lang)
  if (!language) return undefined
  const fragment = doc.createDocumentFragment()
  tokenizeWith(
    code,
    language,
    (text, type) => {
      if (!text) return
      if (!type) return void fragment.append(text)
      const span = doc.createElement('span')
      span.className = `tk-${type}`
      span.textContent = text
      fragment.append(span)
    },
    { languages: GRAMMARS },
  )
  return fragment
}

function grammar(lang: string): ShjLanguageData | undefined {
  const name = lang.toLowerCase()
  const key = ALIASES[name] ?? name
  return key === 'plain' || !Object.hasOwn(GRAMMARS, key) ? undefined : GRAMMARS[key]
}
